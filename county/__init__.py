"""The county (区/县) level: every hall's event log on one PostgreSQL (docs/county.md).

``schema`` creates and migrates the county database, ``privacy`` says what of an
event leaves the hall, ``ship`` is the hall's shipper, ``figures`` the county's
statistics, ``cli`` is ``jiaohao county``. Only this package talks to PostgreSQL.
"""
