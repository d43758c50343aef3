using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Moneta.GrainModel;

namespace Moneta.Runtime.Storage;

public sealed class SqliteStorageOptions
{
    /// <summary>Configuration key Moneta:Storage:Sqlite:Path.</summary>
    public string Path { get; set; } = "./data/moneta.db";

    /// <summary>Most writes committed in one transaction (one fsync).</summary>
    public int MaxBatchSize { get; set; } = 256;
}

/// <summary>
/// The embedded default: one SQLite file in WAL mode. Every write goes through a single writer that commits
/// whatever writes are waiting in one transaction (group commit), with synchronous=FULL so a write is on disk
/// before it is acknowledged; reads use pooled connections and never wait for the writer.
/// Several processes may share the file: SQLite's write lock and the ETag check keep them consistent.
/// </summary>
public sealed class SqliteGrainStorage : IGrainStorage, IAsyncDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS grains (
            grain_type TEXT NOT NULL,
            grain_key  TEXT NOT NULL,
            etag       TEXT NOT NULL,
            data       BLOB NOT NULL,
            updated_at TEXT NOT NULL,
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
        CREATE INDEX IF NOT EXISTS grain_index_by_grain ON grain_index (grain_type, grain_key);
        """;

    private readonly string _connectionString;
    private readonly int _maxBatchSize;
    private readonly ILogger _logger;
    private readonly Channel<PendingWrite> _writes = Channel.CreateUnbounded<PendingWrite>(new() { SingleReader = true });
    private readonly SqliteConnection _writer;
    private readonly Task _writerLoop;

    public SqliteGrainStorage(SqliteStorageOptions options, ILogger<SqliteGrainStorage> logger)
    {
        _logger = logger;
        _maxBatchSize = options.MaxBatchSize;
        var path = System.IO.Path.GetFullPath(options.Path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();

        _writer = Open();
        Execute(_writer, "PRAGMA journal_mode=WAL;");
        Execute(_writer, Schema);
        _writerLoop = Task.Factory.StartNew(WriteLoopAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    public async Task<GrainRecord?> ReadAsync(GrainId id, CancellationToken cancellationToken = default)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT data, etag FROM grains WHERE grain_type = $type AND grain_key = $key";
        command.Parameters.AddWithValue("$type", id.Type);
        command.Parameters.AddWithValue("$key", id.Key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new GrainRecord((byte[])reader[0], reader.GetString(1)) : null;
    }

    public Task<string> WriteAsync(GrainId id, byte[] data, IReadOnlyList<IndexEntry> indexes, string? expectedETag, CancellationToken cancellationToken = default) =>
        Enqueue(new PendingWrite(id, data, indexes, expectedETag));

    public Task ClearAsync(GrainId id, string? expectedETag, CancellationToken cancellationToken = default) =>
        Enqueue(new PendingWrite(id, null, [], expectedETag));

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
        _writes.Writer.TryComplete();
        await _writerLoop;
        await _writer.DisposeAsync();
    }

    private Task<string> Enqueue(PendingWrite write)
    {
        ObjectDisposedException.ThrowIf(!_writes.Writer.TryWrite(write), this);
        return write.Completion.Task;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        // Per connection: FULL makes each commit durable (WAL fsync) before the caller is answered.
        Execute(connection, "PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000;");
        return connection;
    }

    private async Task WriteLoopAsync()
    {
        var statements = new WriteStatements(_writer);
        var batch = new List<PendingWrite>(_maxBatchSize);
        while (await _writes.Reader.WaitToReadAsync())
        {
            while (batch.Count < _maxBatchSize && _writes.Reader.TryRead(out var write))
                batch.Add(write);

            CommitBatch(statements, batch);
            batch.Clear();
        }
    }

    /// <summary>One transaction for the whole batch; each write is checked against its ETag on its own.</summary>
    private void CommitBatch(WriteStatements statements, List<PendingWrite> batch)
    {
        var outcomes = new (string? ETag, Exception? Error)[batch.Count];
        try
        {
            using var transaction = _writer.BeginTransaction(deferred: false);
            statements.Enlist(transaction);
            for (var i = 0; i < batch.Count; i++)
                outcomes[i] = statements.Apply(batch[i]);
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
            if (outcomes[i].Error is { } error)
                batch[i].Completion.TrySetException(error);
            else
                batch[i].Completion.TrySetResult(outcomes[i].ETag!);
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>A write waiting for the writer; <see cref="Data"/> null means clear.</summary>
    private sealed record PendingWrite(GrainId Id, byte[]? Data, IReadOnlyList<IndexEntry> Indexes, string? ExpectedETag)
    {
        public TaskCompletionSource<string> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>The writer's prepared statements, reused for every write.</summary>
    private sealed class WriteStatements
    {
        private readonly SqliteCommand _readETag;
        private readonly SqliteCommand _upsert;
        private readonly SqliteCommand _delete;
        private readonly SqliteCommand _deleteIndex;
        private readonly SqliteCommand _insertIndex;

        public WriteStatements(SqliteConnection connection)
        {
            _readETag = Command(connection, "SELECT etag FROM grains WHERE grain_type = $type AND grain_key = $key", "$type", "$key");
            _upsert = Command(connection, """
                INSERT INTO grains (grain_type, grain_key, etag, data, updated_at) VALUES ($type, $key, $etag, $data, $now)
                ON CONFLICT (grain_type, grain_key) DO UPDATE SET etag = excluded.etag, data = excluded.data, updated_at = excluded.updated_at
                """, "$type", "$key", "$etag", "$data", "$now");
            _delete = Command(connection, "DELETE FROM grains WHERE grain_type = $type AND grain_key = $key", "$type", "$key");
            _deleteIndex = Command(connection, "DELETE FROM grain_index WHERE grain_type = $type AND grain_key = $key", "$type", "$key");
            _insertIndex = Command(connection, """
                INSERT OR IGNORE INTO grain_index (grain_type, index_name, index_key, sort_key, grain_key) VALUES ($type, $name, $index_key, $sort, $key)
                """, "$type", "$name", "$index_key", "$sort", "$key");
        }

        public void Enlist(SqliteTransaction transaction)
        {
            foreach (var command in new[] { _readETag, _upsert, _delete, _deleteIndex, _insertIndex })
                command.Transaction = transaction;
        }

        public (string? ETag, Exception? Error) Apply(PendingWrite write)
        {
            var (type, key) = (write.Id.Type, write.Id.Key);
            var stored = (string?)Run(_readETag, reader: true, type, key);
            if (stored != write.ExpectedETag)
                return (null, new InconsistentStateException(write.Id.ToString(), write.ExpectedETag, stored));

            Run(_deleteIndex, reader: false, type, key);
            if (write.Data is null)
            {
                Run(_delete, reader: false, type, key);
                return (string.Empty, null);
            }

            var etag = ETags.New();
            Run(_upsert, reader: false, type, key, etag, write.Data, DateTimeOffset.UtcNow.ToString("O"));
            foreach (var entry in write.Indexes)
                Run(_insertIndex, reader: false, type, entry.Name, entry.Key, entry.SortKey, key);
            return (etag, null);
        }

        private static object? Run(SqliteCommand command, bool reader, params object[] values)
        {
            for (var i = 0; i < values.Length; i++)
                command.Parameters[i].Value = values[i];
            return reader ? command.ExecuteScalar() : command.ExecuteNonQuery();
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
}
