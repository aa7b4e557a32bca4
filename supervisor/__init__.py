"""`jiaohao supervisor`: the hall managers' dashboard (admin role): the hall live, today's
figures and charts, the 差评 follow-up cases, any ticket's history. See docs/supervisor.md."""
