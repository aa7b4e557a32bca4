"""The `jiaohao` command line: one console script dispatching to each part."""
