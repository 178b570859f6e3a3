"""`python -m tap_wistia` runs the tap's command line."""

from tap_wistia.tap import TapWistia

TapWistia.cli()
