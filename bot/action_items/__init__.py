"""Action items: the two-step form that creates them and the owners' status buttons, and their
Block Kit."""
