"""The supervisors' `revisit` sub-commands, one module each with `add_arguments(parser)`,
`run(args)` and `main(argv)` (what scripts/*.py call). None of them imports Textual."""
