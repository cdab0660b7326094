"""Coverage (户户走到): which households were visited lately, per village, team and volunteer."""
