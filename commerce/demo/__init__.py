"""The demo site's sales history (seed_demo): the plan, and buying it through the services."""
