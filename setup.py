"""Which packages the wheel holds (the rest of the build is in pyproject.toml).

``hardware_profiles/`` stays at the top of the checkout, where installers look for it,
and ships inside the wheel as ``jiaohao.hardware_profiles`` so an installed jiaohao
finds its printer, pad, keypad and LED-bar profiles too.
"""

from setuptools import find_namespace_packages, setup

PACKAGES = ["jiaohao", "hall", "ledger", "hub", "printer", "devices", "kiosk", "caller", "display",
            "report", "qtkit", "voice", "supervisor", "county"]

setup(
    packages=[
        *find_namespace_packages(include=[p for name in PACKAGES for p in (name, f"{name}.*")]),
        "jiaohao.hardware_profiles",
        *(f"jiaohao.hardware_profiles.{sub}"
          for sub in find_namespace_packages("hardware_profiles")),
    ],
    package_dir={"jiaohao.hardware_profiles": "hardware_profiles"},
)
