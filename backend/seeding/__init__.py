"""The data-generation behind `manage.py seed_scale` (see that command's docstring), one module per table
group: `organizations` (sizes and the small tables, by the ORM), then the big tables written in bulk by
`common.BulkWriter` (`participants`, `devices`, `loans`, `codes`), and `database` for the engine's own
chores (cache, sequences, statistics). Every step reads and fills one `common.Seed`."""
