"""When to ask what: the schedules file HR maintains and its export, the calendar math of
periods and due moments, days off and working time, and HR's own questions."""
