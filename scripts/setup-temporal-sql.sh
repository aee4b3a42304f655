#!/usr/bin/env bash
# Builds Temporal's own server (cmd/server) and schema tool (cmd/tools/sql)
# from the Go module proxy, pinned by tools/temporal-sql/go.mod and go.sum.
# Output: .tools/temporal-sql/temporal-server and temporal-sql-tool.
# Slow (several minutes on two cores), so it is opt-in and not part of CI.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/.tools/temporal-sql"
mkdir -p "$out"
cd "$root/tools/temporal-sql"
go build -trimpath -o "$out/temporal-server" go.temporal.io/server/cmd/server
go build -trimpath -o "$out/temporal-sql-tool" go.temporal.io/server/cmd/tools/sql
"$out/temporal-server" --version 2>/dev/null || true
echo "built $out/temporal-server and $out/temporal-sql-tool"
