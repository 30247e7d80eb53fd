"""Development and demo tools that must never run against production data: the synthetic-learner generator
(`synth_learners`, `devtools.synth`) and the regional reports' demo figures (`devtools.reports_demo`). Installed by
lms.settings.dev and lms.settings.test only; lms.settings.production does not install it, so its commands do not
exist there, and the generator refuses to run wherever demo data is not allowed even if installed."""
