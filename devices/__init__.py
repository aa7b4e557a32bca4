"""Serial hall devices: evaluator pads, calling keypads and LED window bars."""
