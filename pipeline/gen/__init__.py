"""The generator: plan, pools, per-scenario builders, surface formats."""
