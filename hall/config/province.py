"""The hall's ``[province]`` section: where ratings (好差评) and 差评 case outcomes are
pushed, the provincial platform's endpoint (docs/province.md).

```toml
[province]
url = "https://hcp.example.gov.cn/api/evaluations"
region_code = "441900"          # 行政区划代码 of the hall
hall_code = "dongxiang"         # how the platform knows this hall
token_env = "JIAOHAO_PROVINCE_TOKEN"   # the credential comes from this variable
```

No credential stands in the hall file: the pusher reads it from the environment
variable ``token_env`` names. A ``url`` that carries a user or password is refused.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:  # the checker imports the model, which imports this
    from hall.config.checker import Checker

PROVINCE_KEYS = ("url", "region_code", "hall_code", "token_env", "timeout_s", "batch")
_REGION = re.compile(r"^[0-9]{6,12}$")
_ENV = re.compile(r"^[A-Z_][A-Z0-9_]{0,63}$")
_HALL = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


@dataclass(frozen=True)
class ProvinceLink:
    """The provincial platform's endpoint; ``url`` empty: nothing is pushed."""

    url: str = ""
    region_code: str = ""
    hall_code: str = ""
    token_env: str = "JIAOHAO_PROVINCE_TOKEN"
    timeout_s: float = 10.0
    batch: int = 50

    @property
    def enabled(self) -> bool:
        return bool(self.url)



def check_province(checks: Checker, data: Mapping[str, Any]) -> ProvinceLink | None:
    """``[province]`` checked: no push when absent, None after errors."""
    value = data.get("province")
    if value is None:
        return ProvinceLink()
    if not isinstance(value, dict):
        checks.wrong_type("province", "a [province] table", value)
        return None
    checks.known_keys(value, "province", PROVINCE_KEYS)
    ok = True
    url = value.get("url")
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        checks.error("province.url", f"must be an http:// or https:// address, not {url!r}")
        ok = False
    elif parts.username or parts.password:
        checks.error("province.url", "must not hold a user or password: the credential "
                     "comes from the environment variable token_env names")
        ok = False
    region = value.get("region_code")
    if not isinstance(region, str) or not _REGION.match(region):
        checks.error("province.region_code",
                     f"must be the 6-12 digit region code as text, like \"441900\", not {region!r}")
        ok = False
    hall = value.get("hall_code", "")
    if not isinstance(hall, str) or (hall and not _HALL.match(hall)):
        checks.error("province.hall_code", f"must be 1-64 of A-Z a-z 0-9 _ . -, not {hall!r}")
        ok = False
    env = value.get("token_env", ProvinceLink.token_env)
    if not isinstance(env, str) or not _ENV.match(env):
        checks.error("province.token_env",
                     "must be an environment variable name like JIAOHAO_PROVINCE_TOKEN, "
                     f"not {env!r}")
        ok = False
    timeout = value.get("timeout_s", ProvinceLink.timeout_s)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not (
        0.1 <= timeout <= 120
    ):
        checks.error("province.timeout_s", f"must be 0.1 to 120 seconds, not {timeout!r}")
        ok = False
    batch = value.get("batch", ProvinceLink.batch)
    if isinstance(batch, bool) or not isinstance(batch, int) or not 1 <= batch <= 1000:
        checks.error("province.batch", f"must be 1 to 1000 records a pass, not {batch!r}")
        ok = False
    if not ok:
        return None
    assert isinstance(url, str) and isinstance(region, str)
    return ProvinceLink(url, region, str(hall), str(env), float(timeout), int(batch))
