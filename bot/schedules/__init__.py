"""When to ask what: the schedules file HR maintains (read and checked, then stored) and its
export, who a schedule reaches, the calendar math of periods and due moments and what a
slot means at a moment, days off and working time, and HR's own questions."""
