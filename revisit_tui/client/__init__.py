"""The agent's side of the central API, usable without Textual.

- `api`     — `ApiClient`: typed calls and the one retry policy (`request`), `ApiError`
              (4xx, with the server's Problem), `Unreachable`.
- `agent_token` — `load_token`, `TokenError`: the agent's token, without importing httpx.
- `store`   — `AgentStore`: the cached queue, the outbox of unsent work and the drafts, in
              three owner-only TinyDB files per server and agent.
- `durable` — the atomic, fsynced TinyDB storage under the store.
- `sync`    — `SyncEngine`: one round pushes the outbox in order and pulls the queue;
              `SyncState` is what the status line shows.
- `supervisor_api` — the supervisors' endpoints over `ApiClient.request`.
"""
