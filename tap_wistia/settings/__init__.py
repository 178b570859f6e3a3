"""The tap's settings: declared once (`schema`), checked once into a frozen `Settings`
(`validation`), and the run's dates derived from them (`window`)."""
