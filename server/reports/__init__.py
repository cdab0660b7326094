"""Reports: the dashboard (数据看板) and the one module that counts what the Red Cross reports."""
