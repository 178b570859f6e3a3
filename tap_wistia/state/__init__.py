"""What a run keeps and plans: bookmarks checked before use, the scope they were made under,
and the cross-stream planning that decides what later streams re-read.

- `bookmarks`: the state's shape and every bookmark value checked before any stream syncs;
- `scope`: bookmarks belong to the `media_ids` / `project_ids` they were made under;
- `planner`: the one entry point of cross-stream planning (`RunPlanner`), built on
  `catalog` (the medias in scope, listed once), `media_refresh` (which medias the
  per-media streams re-read) and `visitor_refresh` (which visitors are re-read).

Nothing here imports a stream: the planner reaches them through callables the tap hands it.
"""
