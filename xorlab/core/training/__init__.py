"""Training: the spec, datasets and presets, the model (graph builders), the Trainer and its loop
strategies and tiers, cost history and the time-travel timeline, and the maps over the input
plane the live views draw (plane_maps, map_images)."""
