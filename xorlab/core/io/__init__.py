"""Reading and writing files: experiments, CSV data, spec files, exported scripts."""
