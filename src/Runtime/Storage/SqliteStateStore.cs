using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Moneta.GrainModel;
using Moneta.Runtime.Messaging;

namespace Moneta.Runtime.Storage;

public sealed class SqliteStorageOptions
{
    /// <summary>Configuration key Moneta:Storage:Sqlite:Path.</summary>
    public string Path { get; set; } = "./data/moneta.db";

    /// <summary>Most writes committed in one transaction (one fsync).</summary>
    public int MaxBatchSize { get; set; } = 256;

    /// <summary>
    /// How long a write waits for a lock another process holds (Moneta:Storage:Sqlite:BusyTimeout) before the
    /// request is answered 503: well inside the grain call timeout, so the client hears why.
    /// </summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often states past their expiry (<see cref="Moneta.GrainModel.IExpiringState"/>) are deleted.</summary>
    public TimeSpan ExpiredSweepInterval { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>
/// The embedded default: one SQLite file in WAL mode. Every write goes through a single writer that commits
/// whatever writes are waiting in one transaction (group commit), with synchronous=FULL so a write is on disk
/// before it is acknowledged; reads use pooled connections and never wait for the writer.
/// Several processes may share the file: SQLite's write lock and the ETag check keep them consistent.
/// </summary>
public sealed class SqliteStateStore : IGrainStateStore, IAsyncDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS grains (
            grain_type TEXT NOT NULL,
            grain_key  TEXT NOT NULL,
            etag       TEXT NOT NULL,
            data       BLOB NOT NULL,
            updated_at TEXT NOT NULL,
            expires_at INTEGER,           -- Unix ms after which the sweep deletes it (IExpiringState), else NULL
            PRIMARY KEY (grain_type, grain_key)
        ); -- a rowid table: grain items are kilobytes, too large for WITHOUT ROWID to pay off
        CREATE TABLE IF NOT EXISTS grain_index (
            grain_type TEXT NOT NULL,
            index_name TEXT NOT NULL,
            index_key  TEXT NOT NULL,
            sort_key   TEXT NOT NULL,
            grain_key  TEXT NOT NULL,
            PRIMARY KEY (grain_type, index_name, index_key, sort_key, grain_key)
        ) WITHOUT ROWID;
        -- Each grain's index entries as written with it (a JSON array of [index_name, index_key, sort_key]), so a
        -- write finds the entries it replaces without an index by grain: keyed by the grain's rowid, a new grain's
        -- list lands beside the lists of the grains written just before it, not on a page of its own.
        CREATE TABLE IF NOT EXISTS grain_index_entries (
            grain_rowid INTEGER PRIMARY KEY,
            entries     BLOB NOT NULL
        );
        CREATE TRIGGER IF NOT EXISTS grain_index_entries_follow_grain AFTER DELETE ON grains
        BEGIN
            DELETE FROM grain_index_entries WHERE grain_rowid = old.rowid;
        END;
        CREATE TABLE IF NOT EXISTS outbox (
            sequence    INTEGER PRIMARY KEY AUTOINCREMENT, -- write order: a target's events are handed out in it
            target_type TEXT NOT NULL,
            target_key  TEXT NOT NULL,
            name        TEXT NOT NULL,    -- event id, or reminder name
            kind        TEXT NOT NULL,    -- 'event' | 'reminder'
            body        BLOB,
            due_at      INTEGER NOT NULL, -- Unix milliseconds
            lease_until INTEGER NOT NULL DEFAULT 0,
            claim_token TEXT,
            claim_owner TEXT,             -- the silo holding the lease (see ReleaseClaimsAsync)
            attempts    INTEGER NOT NULL DEFAULT 0,
            UNIQUE (target_type, target_key, name)
        );
        CREATE INDEX IF NOT EXISTS outbox_event_heads ON outbox (target_type, target_key, sequence) WHERE kind = 'event';
        CREATE INDEX IF NOT EXISTS outbox_due_reminders ON outbox (due_at) WHERE kind = 'reminder';
        """;

    /// <summary>What a file created by an earlier version lacks, added once (SQLite has no ADD COLUMN IF NOT EXISTS).</summary>
    private static readonly (string Table, string Column, string Definition)[] AddedColumns =
    [
        ("outbox", "claim_owner", "claim_owner TEXT"),
        ("grains", "expires_at", "expires_at INTEGER"),
    ];

    /// <summary>
    /// Indexes on added columns, created after the columns exist; and indexes no statement uses any more, dropped
    /// from files created by earlier versions: every outbox row paid for them twice (insert and delete). The due
    /// query walks <c>outbox_event_heads</c> and <c>outbox_due_reminders</c>; a message is found by its unique key.
    /// </summary>
    private const string IndexMigrations = """
        CREATE INDEX IF NOT EXISTS outbox_claims ON outbox (claim_owner) WHERE claim_owner IS NOT NULL;
        CREATE INDEX IF NOT EXISTS grains_expiring ON grains (expires_at) WHERE expires_at IS NOT NULL;
        DROP INDEX IF EXISTS outbox_due;
        DROP INDEX IF EXISTS outbox_by_target;
        """;

    /// <summary>
    /// A file from before <c>grain_index_entries</c> found a grain's entries through an index by grain, written at a
    /// random page for every grain (a third of the WAL's pages under load). Its grains' lists are filled in from
    /// that index once, in one transaction, and the index is dropped. Every process sharing a file must run a
    /// version that keeps the lists.
    /// </summary>
    private const string IndexByGrainMigration = """
        INSERT OR IGNORE INTO grain_index_entries (grain_rowid, entries)
            SELECT g.rowid, CAST(json_group_array(json_array(i.index_name, i.index_key, i.sort_key)) AS BLOB)
            FROM grains AS g JOIN grain_index AS i INDEXED BY grain_index_by_grain ON i.grain_type = g.grain_type AND i.grain_key = g.grain_key
            GROUP BY g.rowid;
        DROP INDEX grain_index_by_grain;
        """;

    /// <summary>Most expired states one sweep deletes in one transaction, so the writer is never held long.</summary>
    private const int SweepBatch = 1000;

    private readonly string _connectionString;
    private readonly int _maxBatchSize;
    private readonly ILogger _logger;
    private readonly Channel<PendingOperation> _writes = Channel.CreateUnbounded<PendingOperation>(new() { SingleReader = true });
    private readonly ConcurrentBag<GrainReader> _readers = [];
    private readonly SqliteConnection _writer;
    private readonly Task _writerLoop;
    private readonly int _busyTimeoutMs;
    private readonly CancellationTokenSource _disposing = new();
    private readonly Task _sweepLoop;
    private int _disposed;

    public SqliteStateStore(SqliteStorageOptions options, ILogger<SqliteStateStore> logger)
    {
        _logger = logger;
        _maxBatchSize = options.MaxBatchSize;
        _busyTimeoutMs = (int)options.BusyTimeout.TotalMilliseconds;
        var path = System.IO.Path.GetFullPath(options.Path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        // The driver retries a busy database for DefaultTimeout (whole seconds) on top of SQLite's busy_timeout.
        var timeoutSeconds = Math.Max(1, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds));
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = timeoutSeconds }.ToString();

        _writer = Open();
        Execute(_writer, "PRAGMA journal_mode=WAL;");
        Execute(_writer, Schema);
        AddMissingColumns(_writer);
        Execute(_writer, IndexMigrations);
        MigrateIndexByGrain(_writer);
        _writerLoop = Task.Factory.StartNew(WriteLoopAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
        _sweepLoop = Task.Run(() => SweepLoopAsync(options.ExpiredSweepInterval, _disposing.Token));
    }

    /// <summary>Busy or locked past the busy timeout, an I/O error, a full disk.</summary>
    public bool IsUnavailable(Exception error) =>
        error is SqliteException { SqliteErrorCode: SQLitePCL.raw.SQLITE_BUSY or SQLitePCL.raw.SQLITE_LOCKED or SQLitePCL.raw.SQLITE_IOERR or SQLitePCL.raw.SQLITE_FULL };

    /// <summary>
    /// A point read on a connection of the read pool, with its statement prepared once: every activation reads its
    /// state, so opening a connection and preparing the query each time was a measurable part of a step.
    /// </summary>
    public Task<GrainRecord?> ReadAsync(GrainKey id, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        var reader = _readers.TryTake(out var pooled) ? pooled : new GrainReader(Open());
        try
        {
            return Task.FromResult(reader.Read(id));
        }
        finally
        {
            if (Volatile.Read(ref _disposed) == 1)
                reader.Dispose();
            else
                _readers.Add(reader);
        }
    }

    public Task<string> WriteAsync(GrainKey id, byte[] data, IReadOnlyList<IndexEntry> indexes, string? expectedETag, IReadOnlyList<OutboxMessage>? messages = null, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default) =>
        Enqueue<string>(statements => statements.Write(id, data, indexes, expectedETag, messages ?? [], expiresAt));

    public Task ClearAsync(GrainKey id, string? expectedETag, CancellationToken cancellationToken = default) =>
        Enqueue<string>(statements => statements.Write(id, null, [], expectedETag, [], expiresAt: null));

    /// <summary>
    /// Deletes states whose expiry has passed, at most <see cref="SweepBatch"/> per call; returns how many. The store
    /// runs it every <see cref="SqliteStorageOptions.ExpiredSweepInterval"/> (until a sweep finds fewer than a batch).
    /// </summary>
    public Task<int> SweepExpiredAsync(DateTimeOffset now) =>
        Enqueue<int>(statements => statements.SweepExpired(now, SweepBatch));

    public Task<IReadOnlyList<ClaimedMessage>> ClaimDueMessagesAsync(DateTimeOffset now, TimeSpan lease, int limit, string? owner = null, Func<string, int>? maxRun = null, CancellationToken cancellationToken = default) =>
        Enqueue<IReadOnlyList<ClaimedMessage>>(statements => statements.Claim(now, lease, limit, owner, maxRun));

    public Task<int> ReleaseClaimsAsync(string owner, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default) =>
        Enqueue<int>(statements => statements.Release(owner, now));

    public Task CompleteMessageAsync(ClaimedMessage message, CancellationToken cancellationToken = default) =>
        Enqueue<int>(statements => statements.Complete(message));

    public Task RetryMessageAsync(ClaimedMessage message, DateTimeOffset dueAt, CancellationToken cancellationToken = default) =>
        Enqueue<int>(statements => statements.Retry(message, dueAt));

    public async Task<IndexPage> QueryAsync(string grainType, string indexName, string key, string? cursor, int limit, CancellationToken cancellationToken = default)
    {
        var after = cursor is null ? (IndexCursor?)null : IndexCursor.Decode(cursor);
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT sort_key, grain_key FROM grain_index
            WHERE grain_type = $type AND index_name = $name AND index_key = $key
              AND ($after_sort IS NULL OR sort_key > $after_sort OR (sort_key = $after_sort AND grain_key > $after_key))
            ORDER BY sort_key, grain_key
            LIMIT $limit
            """;
        command.Parameters.AddWithValue("$type", grainType);
        command.Parameters.AddWithValue("$name", indexName);
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$after_sort", (object?)after?.SortKey ?? DBNull.Value);
        command.Parameters.AddWithValue("$after_key", (object?)after?.GrainKey ?? DBNull.Value);
        command.Parameters.AddWithValue("$limit", limit + 1);

        var page = new List<IndexCursor>(limit + 1);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                page.Add(new IndexCursor(reader.GetString(0), reader.GetString(1)));
        }

        var next = page.Count > limit ? page[limit - 1].Encode() : null;
        return new IndexPage([.. page.Take(limit).Select(e => e.GrainKey)], next);
    }

    public async ValueTask DisposeAsync()
    {
        // The container may dispose the store once per registration that hands it out.
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _disposing.CancelAsync();
        await _sweepLoop;
        _disposing.Dispose();
        _writes.Writer.TryComplete();
        await _writerLoop;
        await _writer.DisposeAsync();
        while (_readers.TryTake(out var reader))
            reader.Dispose();
    }

    /// <summary>A read connection and its prepared point read; one caller at a time.</summary>
    private sealed class GrainReader : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _read;

        public GrainReader(SqliteConnection connection)
        {
            _connection = connection;
            _read = connection.CreateCommand();
            _read.CommandText = "SELECT data, etag FROM grains WHERE grain_type = $type AND grain_key = $key";
            _read.Parameters.Add(new SqliteParameter { ParameterName = "$type" });
            _read.Parameters.Add(new SqliteParameter { ParameterName = "$key" });
            _read.Prepare();
        }

        public GrainRecord? Read(GrainKey id)
        {
            _read.Parameters[0].Value = id.Type;
            _read.Parameters[1].Value = id.Key;
            using var reader = _read.ExecuteReader();
            return reader.Read() ? new GrainRecord((byte[])reader[0], reader.GetString(1)) : null;
        }

        public void Dispose()
        {
            _read.Dispose();
            _connection.Dispose();
        }
    }

    private async Task<T> Enqueue<T>(Func<WriteStatements, object> apply)
    {
        var operation = new PendingOperation(apply);
        ObjectDisposedException.ThrowIf(!_writes.Writer.TryWrite(operation), this);
        return (T)await operation.Completion.Task;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        // Per connection: FULL makes each commit durable (WAL fsync) before the caller is answered.
        Execute(connection, $"PRAGMA synchronous=FULL; PRAGMA busy_timeout={_busyTimeoutMs};");
        return connection;
    }

    private async Task WriteLoopAsync()
    {
        var statements = new WriteStatements(_writer);
        var batch = new List<PendingOperation>(_maxBatchSize);
        while (await _writes.Reader.WaitToReadAsync())
        {
            while (batch.Count < _maxBatchSize && _writes.Reader.TryRead(out var write))
                batch.Add(write);

            CommitBatch(statements, batch);
            batch.Clear();
        }
    }

    /// <summary>One transaction for the whole batch; each write is checked against its ETag on its own.</summary>
    private void CommitBatch(WriteStatements statements, List<PendingOperation> batch)
    {
        var outcomes = new object[batch.Count];
        try
        {
            using var transaction = _writer.BeginTransaction(deferred: false);
            statements.Enlist(transaction);
            for (var i = 0; i < batch.Count; i++)
                outcomes[i] = batch[i].Apply(statements);
            transaction.Commit();
        }
        catch (Exception e)
        {
            _logger.LogError(e, "A batch of {Count} grain writes failed and was rolled back", batch.Count);
            foreach (var write in batch)
                write.Completion.TrySetException(e);
            return;
        }

        // Answer only after the commit: an acknowledged write is on disk.
        for (var i = 0; i < batch.Count; i++)
        {
            if (outcomes[i] is Exception refused)
                batch[i].Completion.TrySetException(refused);
            else
                batch[i].Completion.TrySetResult(outcomes[i]);
        }
    }

    private async Task SweepLoopAsync(TimeSpan interval, CancellationToken disposing)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(disposing))
            {
                try
                {
                    while (await SweepExpiredAsync(DateTimeOffset.UtcNow) == SweepBatch && !disposing.IsCancellationRequested)
                    {
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _logger.LogWarning(e, "Sweeping expired grain states failed; trying again at the next interval");
                }
            }
        }
        catch (OperationCanceledException) when (disposing.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Checked under the write lock: processes sharing a file may open it at the same moment, and only the first may
    /// migrate it (the second would find the index gone).
    /// </summary>
    private void MigrateIndexByGrain(SqliteConnection connection)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'grain_index_by_grain'";
        if ((long)command.ExecuteScalar()! == 0) return;

        _logger.LogInformation("Recording each grain's index entries with it and dropping the index by grain (once, for a file of an earlier version)");
        command.CommandText = IndexByGrainMigration;
        command.ExecuteNonQuery();
        transaction.Commit();
    }

    private static void AddMissingColumns(SqliteConnection connection)
    {
        foreach (var (table, column, definition) in AddedColumns)
        {
            using var check = connection.CreateCommand();
            check.CommandText = $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = '{column}'";
            if ((long)check.ExecuteScalar()! == 0)
                Execute(connection, $"ALTER TABLE {table} ADD COLUMN {definition};");
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// An operation waiting for the writer. It returns its result, or the exception that refuses it alone (a stale
    /// ETag) without rolling back the rest of the batch.
    /// </summary>
    private sealed class PendingOperation(Func<WriteStatements, object> apply)
    {
        public TaskCompletionSource<object> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public object Apply(WriteStatements statements) => apply(statements);
    }

    /// <summary>The writer's prepared statements, reused for every write.</summary>
    private sealed class WriteStatements
    {
        private readonly SqliteCommand _readStored;
        private readonly SqliteCommand _upsert;
        private readonly SqliteCommand _delete;
        private readonly SqliteCommand _putEntries;
        private readonly SqliteCommand _deleteEntries;
        private readonly SqliteCommand _deleteIndexEntry;
        private readonly SqliteCommand _insertIndex;
        private readonly SqliteCommand _insertEvent;
        private readonly SqliteCommand _upsertReminder;
        private readonly SqliteCommand _deleteReminder;
        private readonly SqliteCommand _selectDue;
        private readonly SqliteCommand _selectRun;
        private readonly SqliteCommand _lease;
        private readonly SqliteCommand _complete;
        private readonly SqliteCommand _retry;
        private readonly SqliteCommand _release;
        private readonly SqliteCommand _sweep;

        public WriteStatements(SqliteConnection connection)
        {
            // The stored ETag and the entries written with it, in one lookup: a write needs both, the second only if the first matches.
            _readStored = Command(connection, """
                SELECT g.etag, e.entries FROM grains AS g LEFT JOIN grain_index_entries AS e ON e.grain_rowid = g.rowid
                WHERE g.grain_type = $type AND g.grain_key = $key
                """, "$type", "$key");
            _upsert = Command(connection, """
                INSERT INTO grains (grain_type, grain_key, etag, data, updated_at, expires_at) VALUES ($type, $key, $etag, $data, $now, $expires)
                ON CONFLICT (grain_type, grain_key) DO UPDATE SET etag = excluded.etag, data = excluded.data, updated_at = excluded.updated_at, expires_at = excluded.expires_at
                RETURNING rowid
                """, "$type", "$key", "$etag", "$data", "$now", "$expires");
            _delete = Command(connection, "DELETE FROM grains WHERE grain_type = $type AND grain_key = $key", "$type", "$key");
            _putEntries = Command(connection, "INSERT OR REPLACE INTO grain_index_entries (grain_rowid, entries) VALUES ($rowid, $entries)", "$rowid", "$entries");
            _deleteEntries = Command(connection, "DELETE FROM grain_index_entries WHERE grain_rowid = $rowid", "$rowid");
            _deleteIndexEntry = Command(connection, """
                DELETE FROM grain_index WHERE grain_type = $type AND index_name = $name AND index_key = $index_key AND sort_key = $sort AND grain_key = $key
                """, "$type", "$name", "$index_key", "$sort", "$key");
            _insertIndex = Command(connection, """
                INSERT OR IGNORE INTO grain_index (grain_type, index_name, index_key, sort_key, grain_key) VALUES ($type, $name, $index_key, $sort, $key)
                """, "$type", "$name", "$index_key", "$sort", "$key");
            _insertEvent = Command(connection, """
                INSERT OR IGNORE INTO outbox (target_type, target_key, name, kind, body, due_at) VALUES ($type, $key, $name, 'event', $body, $due)
                """, "$type", "$key", "$name", "$body", "$due");
            _upsertReminder = Command(connection, """
                INSERT INTO outbox (target_type, target_key, name, kind, body, due_at) VALUES ($type, $key, $name, 'reminder', NULL, $due)
                ON CONFLICT (target_type, target_key, name) DO UPDATE SET due_at = excluded.due_at, lease_until = 0, claim_token = NULL, claim_owner = NULL, attempts = 0
                """, "$type", "$key", "$name", "$due");
            _deleteReminder = Command(connection, """
                DELETE FROM outbox WHERE target_type = $type AND target_key = $key AND name = $name AND kind = 'reminder'
                """, "$type", "$key", "$name");
            // Only the first event of each target may be handed out. The query walks the targets that have events
            // (an index seek each) and looks at each one's first event, instead of visiting every due event to check
            // that an earlier one holds it back: a target thousands of events behind (a busy pair's settlement
            // account) made every poll, on the writer's connection, read its whole queue.
            _selectDue = Command(connection, """
                WITH RECURSIVE event_target(target_type, target_key) AS (
                    SELECT * FROM (SELECT target_type, target_key FROM outbox INDEXED BY outbox_event_heads WHERE kind = 'event'
                                   ORDER BY target_type, target_key LIMIT 1)
                    UNION ALL
                    SELECT
                        (SELECT o.target_type FROM outbox AS o INDEXED BY outbox_event_heads
                         WHERE o.kind = 'event' AND (o.target_type, o.target_key) > (t.target_type, t.target_key)
                         ORDER BY o.target_type, o.target_key LIMIT 1),
                        (SELECT o.target_key FROM outbox AS o INDEXED BY outbox_event_heads
                         WHERE o.kind = 'event' AND (o.target_type, o.target_key) > (t.target_type, t.target_key)
                         ORDER BY o.target_type, o.target_key LIMIT 1)
                    FROM event_target AS t WHERE t.target_type IS NOT NULL)
                SELECT m.sequence, m.target_type, m.target_key, m.name, m.kind, m.body, m.attempts, m.due_at
                FROM event_target AS t JOIN outbox AS m ON m.sequence = (
                    SELECT h.sequence FROM outbox AS h INDEXED BY outbox_event_heads
                    WHERE h.kind = 'event' AND h.target_type = t.target_type AND h.target_key = t.target_key
                    ORDER BY h.sequence LIMIT 1)
                WHERE m.due_at <= $now AND m.lease_until <= $now
                UNION ALL
                SELECT sequence, target_type, target_key, name, kind, body, attempts, due_at FROM outbox
                WHERE kind = 'reminder' AND due_at <= $now AND lease_until <= $now
                ORDER BY due_at, sequence
                LIMIT $limit
                """, "$now", "$limit");
            _selectRun = Command(connection, """
                SELECT sequence, name, body, attempts, due_at, lease_until FROM outbox INDEXED BY outbox_event_heads
                WHERE kind = 'event' AND target_type = $type AND target_key = $key AND sequence > $after
                ORDER BY sequence
                LIMIT $limit
                """, "$type", "$key", "$after", "$limit");
            _lease = Command(connection, "UPDATE outbox SET lease_until = $until, claim_token = $token, claim_owner = $owner WHERE sequence = $sequence", "$until", "$token", "$owner", "$sequence");
            _complete = Command(connection, "DELETE FROM outbox WHERE target_type = $type AND target_key = $key AND name = $name AND claim_token = $token", "$type", "$key", "$name", "$token");
            _retry = Command(connection, """
                UPDATE outbox SET due_at = $due, lease_until = 0, claim_token = NULL, claim_owner = NULL, attempts = attempts + 1
                WHERE target_type = $type AND target_key = $key AND name = $name AND claim_token = $token
                """, "$due", "$type", "$key", "$name", "$token");
            _release = Command(connection, """
                UPDATE outbox SET lease_until = 0, claim_token = NULL, claim_owner = NULL WHERE claim_owner = $owner AND lease_until > $now
                """, "$owner", "$now");
            _sweep = Command(connection, """
                DELETE FROM grains WHERE rowid IN (SELECT rowid FROM grains WHERE expires_at IS NOT NULL AND expires_at <= $now LIMIT $limit)
                """, "$now", "$limit");
        }

        public void Enlist(SqliteTransaction transaction)
        {
            foreach (var command in new[] { _readStored, _upsert, _delete, _putEntries, _deleteEntries, _deleteIndexEntry, _insertIndex, _insertEvent, _upsertReminder, _deleteReminder, _selectDue, _selectRun, _lease, _complete, _retry, _release, _sweep })
                command.Transaction = transaction;
        }

        /// <summary>A grain write (or, with no data, a clear); an <see cref="Orleans.Storage.InconsistentStateException"/> if the ETag is stale.</summary>
        public object Write(GrainKey id, byte[]? data, IReadOnlyList<IndexEntry> indexes, string? expectedETag, IReadOnlyList<OutboxMessage> messages, DateTimeOffset? expiresAt)
        {
            var (type, key) = (id.Type, id.Key);
            var stored = ReadStored(type, key);
            if (stored?.ETag != expectedETag)
                return StaleETag.Refusal(id, expectedETag, stored?.ETag);

            // Only the entries that changed are written: a contract's second write moves 3 of its 10 entries.
            var previous = stored?.Entries is { } list ? IndexEntryList.Decode(list) : [];
            var wanted = data is null ? [] : indexes.Select(e => (e.Name, e.Key, e.SortKey)).ToHashSet();
            foreach (var (name, indexKey, sortKey) in previous.Except(wanted))
                Run(_deleteIndexEntry, reader: false, type, name, indexKey, sortKey, key);

            if (data is null)
            {
                Run(_delete, reader: false, type, key); // its list of entries goes with it (grain_index_entries_follow_grain)
                return string.Empty;
            }

            var etag = ETags.New();
            var rowid = (long)Run(_upsert, reader: true, type, key, etag, data, DateTimeOffset.UtcNow.ToString("O"), expiresAt is { } expires ? expires.ToUnixTimeMilliseconds() : DBNull.Value)!;
            foreach (var (name, indexKey, sortKey) in wanted.Except(previous))
                Run(_insertIndex, reader: false, type, name, indexKey, sortKey, key);
            if (!wanted.SetEquals(previous))
            {
                if (wanted.Count == 0)
                    Run(_deleteEntries, reader: false, rowid);
                else
                    Run(_putEntries, reader: false, rowid, IndexEntryList.Encode(wanted));
            }

            foreach (var message in messages)
                Put(message);
            return etag;
        }

        /// <summary>The stored ETag and the entries the grain was last written with (null if it had none: no list is kept then).</summary>
        private (string ETag, byte[]? Entries)? ReadStored(string type, string key)
        {
            Bind(_readStored, type, key);
            using var reader = _readStored.ExecuteReader();
            return reader.Read() ? (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<byte[]>(1)) : null;
        }

        public object Claim(DateTimeOffset now, TimeSpan lease, int limit, string? owner, Func<string, int>? maxRun)
        {
            var heads = new List<(long Sequence, ClaimedMessage Message)>();
            var token = Guid.NewGuid().ToString("N");
            Bind(_selectDue, now.ToUnixTimeMilliseconds(), limit);
            using (var reader = _selectDue.ExecuteReader())
            {
                while (reader.Read())
                {
                    var kind = reader.GetString(4) == "event" ? OutboxMessageKind.Event : OutboxMessageKind.Reminder;
                    var body = reader.IsDBNull(5) ? null : (byte[])reader[5];
                    var message = new ClaimedMessage(new GrainKey(reader.GetString(1), reader.GetString(2)), reader.GetString(3), kind, body, reader.GetInt32(6), token);
                    heads.Add((reader.GetInt64(0), message));
                }
            }

            var claimed = new List<(long Sequence, ClaimedMessage Message)>(heads.Count);
            foreach (var head in heads)
            {
                claimed.Add(head);
                if (head.Message.RunLength(maxRun) is var run and > 1)
                    claimed.AddRange(RunBehind(head, run - 1, now, token));
            }

            foreach (var (sequence, _) in claimed)
                Run(_lease, reader: false, (now + lease).ToUnixTimeMilliseconds(), token, (object?)owner ?? DBNull.Value, sequence);
            return claimed.Select(d => d.Message).ToList();
        }

        /// <summary>The target's events right behind its head, up to the first that is not due or is held by a claim.</summary>
        private List<(long Sequence, ClaimedMessage Message)> RunBehind((long Sequence, ClaimedMessage Message) head, int most, DateTimeOffset now, string token)
        {
            var run = new List<(long, ClaimedMessage)>(most);
            var nowMs = now.ToUnixTimeMilliseconds();
            Bind(_selectRun, head.Message.Target.Type, head.Message.Target.Key, head.Sequence, most);
            using var reader = _selectRun.ExecuteReader();
            while (reader.Read() && reader.GetInt64(4) <= nowMs && reader.GetInt64(5) <= nowMs)
            {
                var body = reader.IsDBNull(2) ? null : (byte[])reader[2];
                run.Add((reader.GetInt64(0), new ClaimedMessage(head.Message.Target, reader.GetString(1), OutboxMessageKind.Event, body, reader.GetInt32(3), token)));
            }

            return run;
        }

        public object Complete(ClaimedMessage message) =>
            Run(_complete, reader: false, message.Target.Type, message.Target.Key, message.Name, message.ClaimToken)!;

        public object SweepExpired(DateTimeOffset now, int limit) =>
            Run(_sweep, reader: false, now.ToUnixTimeMilliseconds(), limit)!;

        public object Release(string owner, DateTimeOffset now) =>
            Run(_release, reader: false, owner, now.ToUnixTimeMilliseconds())!;

        public object Retry(ClaimedMessage message, DateTimeOffset dueAt) =>
            Run(_retry, reader: false, dueAt.ToUnixTimeMilliseconds(), message.Target.Type, message.Target.Key, message.Name, message.ClaimToken)!;

        private void Put(OutboxMessage message)
        {
            var (type, key, due) = (message.Target.Type, message.Target.Key, message.DueAt.ToUnixTimeMilliseconds());
            switch (message.Kind)
            {
                case OutboxMessageKind.Event:
                    Run(_insertEvent, reader: false, type, key, message.Name, message.Body!, due);
                    break;
                case OutboxMessageKind.Reminder:
                    Run(_upsertReminder, reader: false, type, key, message.Name, due);
                    break;
                case OutboxMessageKind.ReminderCancellation:
                    Run(_deleteReminder, reader: false, type, key, message.Name);
                    break;
            }
        }

        private static object? Run(SqliteCommand command, bool reader, params object[] values)
        {
            Bind(command, values);
            return reader ? command.ExecuteScalar() : command.ExecuteNonQuery();
        }

        private static void Bind(SqliteCommand command, params object[] values)
        {
            for (var i = 0; i < values.Length; i++)
                command.Parameters[i].Value = values[i];
        }

        private static SqliteCommand Command(SqliteConnection connection, string sql, params string[] parameters)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var name in parameters)
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            return command;
        }
    }

    /// <summary>A grain's index entries as <c>grain_index_entries</c> keeps them: a JSON array of [index_name, index_key, sort_key].</summary>
    private static class IndexEntryList
    {
        public static byte[] Encode(HashSet<(string Name, string Key, string SortKey)> entries) =>
            JsonSerializer.SerializeToUtf8Bytes(entries.Select(e => new[] { e.Name, e.Key, e.SortKey }));

        public static HashSet<(string Name, string Key, string SortKey)> Decode(byte[] list) =>
            [.. (JsonSerializer.Deserialize<string[][]>(list) ?? []).Select(e => (e[0], e[1], e[2]))];
    }
}
