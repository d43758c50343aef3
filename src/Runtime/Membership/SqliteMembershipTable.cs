using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Moneta.Runtime.Storage;
using Orleans.Configuration;

namespace Moneta.Runtime.Membership;

/// <summary>Moneta:Cluster:Membership=Sqlite: the membership rows live in the SQLite file the silos share.</summary>
public sealed class SqliteMembershipOptions
{
    public string Path { get; set; } = "./data/moneta.db";

    /// <summary>How long a membership write waits for another process's lock on the file.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// Orleans cluster membership in the SQLite file that several silo processes on one machine share (ADR 0008). Each
/// cluster has a version row; every insert and update checks the version's ETag and replaces it in the same
/// transaction, which is what makes concurrent membership changes safe. A row's own ETag guards updates of that
/// row; <see cref="UpdateIAmAliveAsync"/> writes only the heartbeat column and leaves both ETags alone, so a
/// heartbeat never invalidates what another silo read.
/// </summary>
public sealed class SqliteMembershipTable(IOptions<SqliteMembershipOptions> options, IOptions<ClusterOptions> cluster) : IMembershipTable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS membership_version (
            cluster_id TEXT PRIMARY KEY,
            version    INTEGER NOT NULL,
            etag       TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS membership (
            cluster_id      TEXT NOT NULL,
            silo_address    TEXT NOT NULL,     -- SiloAddress.ToParsableString(): ip:port@generation
            status          INTEGER NOT NULL,  -- Orleans' SiloStatus
            proxy_port      INTEGER NOT NULL,
            host_name       TEXT NOT NULL,
            silo_name       TEXT NOT NULL,
            role_name       TEXT,
            update_zone     INTEGER NOT NULL,
            fault_zone      INTEGER NOT NULL,
            start_time      TEXT NOT NULL,     -- ISO 8601, UTC
            i_am_alive_time TEXT NOT NULL,     -- the heartbeat, written alone by UpdateIAmAlive
            suspect_times   TEXT NOT NULL,     -- JSON [[silo address, ISO 8601 time], ...]
            etag            TEXT NOT NULL,
            PRIMARY KEY (cluster_id, silo_address)
        ) WITHOUT ROWID;
        """;

    private readonly string _clusterId = cluster.Value.ClusterId;
    private readonly string _connectionString = ConnectionString(options.Value);
    private readonly int _busyTimeoutMs = (int)options.Value.BusyTimeout.TotalMilliseconds;

    public async Task InitializeMembershipTableAsync(bool tryInitTableVersion, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL;", cancellationToken);
        await ExecuteAsync(connection, null, Schema, cancellationToken);
        if (tryInitTableVersion)
        {
            await ExecuteAsync(connection, null, "INSERT OR IGNORE INTO membership_version (cluster_id, version, etag) VALUES ($cluster, 0, $etag)", cancellationToken,
                ("$cluster", _clusterId), ("$etag", ETags.New()));
        }
    }

    public async Task DeleteMembershipTableEntriesAsync(string clusterId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = BeginImmediate(connection);
        await ExecuteAsync(connection, transaction, "DELETE FROM membership WHERE cluster_id = $cluster", cancellationToken, ("$cluster", clusterId));
        await ExecuteAsync(connection, transaction, "DELETE FROM membership_version WHERE cluster_id = $cluster", cancellationToken, ("$cluster", clusterId));
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Dead silos whose last sign of life (start, heartbeat or a suspicion vote) precedes the cutoff.</summary>
    public async Task CleanupDefunctSiloEntriesAsync(DateTimeOffset beforeDate, CancellationToken cancellationToken)
    {
        var table = await ReadAllAsync(cancellationToken);
        var defunct = table.Members
            .Select(m => m.Item1)
            .Where(e => MembershipRows.IsDefunct(e, beforeDate))
            .ToList();
        if (defunct.Count == 0) return;

        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = BeginImmediate(connection);
        foreach (var entry in defunct)
        {
            await ExecuteAsync(connection, transaction, "DELETE FROM membership WHERE cluster_id = $cluster AND silo_address = $silo AND status = $dead", cancellationToken,
                ("$cluster", _clusterId), ("$silo", entry.SiloAddress.ToParsableString()), ("$dead", (int)SiloStatus.Dead));
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public Task<MembershipTableData> ReadRowAsync(SiloAddress key, CancellationToken cancellationToken) =>
        ReadAsync(key, cancellationToken);

    public Task<MembershipTableData> ReadAllAsync(CancellationToken cancellationToken) =>
        ReadAsync(null, cancellationToken);

    public async Task<bool> InsertRowAsync(MembershipEntry entry, TableVersion tableVersion, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = BeginImmediate(connection);
        if (!await TryAdvanceVersionAsync(connection, transaction, tableVersion, cancellationToken)) return false;

        var inserted = await ExecuteAsync(connection, transaction, """
            INSERT OR IGNORE INTO membership (cluster_id, silo_address, status, proxy_port, host_name, silo_name, role_name, update_zone,
                fault_zone, start_time, i_am_alive_time, suspect_times, etag)
            VALUES ($cluster, $silo, $status, $proxy_port, $host_name, $silo_name, $role_name, $update_zone,
                $fault_zone, $start_time, $i_am_alive_time, $suspect_times, $etag)
            """, cancellationToken, [.. RowValues(entry), ("$etag", ETags.New())]);
        if (inserted == 0) return false; // a row for this silo already exists: the transaction is rolled back
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, TableVersion tableVersion, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = BeginImmediate(connection);
        if (!await TryAdvanceVersionAsync(connection, transaction, tableVersion, cancellationToken)) return false;

        var updated = await ExecuteAsync(connection, transaction, """
            UPDATE membership SET status = $status, proxy_port = $proxy_port, host_name = $host_name, silo_name = $silo_name,
                role_name = $role_name, update_zone = $update_zone, fault_zone = $fault_zone, start_time = $start_time,
                i_am_alive_time = $i_am_alive_time, suspect_times = $suspect_times, etag = $new_etag
            WHERE cluster_id = $cluster AND silo_address = $silo AND etag = $etag
            """, cancellationToken, [.. RowValues(entry), ("$etag", etag), ("$new_etag", ETags.New())]);
        if (updated == 0) return false; // the row changed since it was read, or is gone
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task UpdateIAmAliveAsync(MembershipEntry entry, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, "UPDATE membership SET i_am_alive_time = $i_am_alive_time WHERE cluster_id = $cluster AND silo_address = $silo", cancellationToken,
            ("$i_am_alive_time", MembershipRows.Time(entry.IAmAliveTime)), ("$cluster", _clusterId), ("$silo", entry.SiloAddress.ToParsableString()));
    }

    // Orleans 10.4.2 calls the *Async overloads above; these are the interface's older, obsolete members.
    public Task InitializeMembershipTable(bool tryInitTableVersion) => InitializeMembershipTableAsync(tryInitTableVersion, CancellationToken.None);

    public Task DeleteMembershipTableEntries(string clusterId) => DeleteMembershipTableEntriesAsync(clusterId, CancellationToken.None);

    public Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate) => CleanupDefunctSiloEntriesAsync(beforeDate, CancellationToken.None);

    public Task<MembershipTableData> ReadRow(SiloAddress key) => ReadRowAsync(key, CancellationToken.None);

    public Task<MembershipTableData> ReadAll() => ReadAllAsync(CancellationToken.None);

    public Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion) => InsertRowAsync(entry, tableVersion, CancellationToken.None);

    public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) => UpdateRowAsync(entry, etag, tableVersion, CancellationToken.None);

    public Task UpdateIAmAlive(MembershipEntry entry) => UpdateIAmAliveAsync(entry, CancellationToken.None);

    /// <summary>The version row and the rows (one silo's, or all) in one read transaction: a consistent snapshot.</summary>
    private async Task<MembershipTableData> ReadAsync(SiloAddress? silo, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: true);
        var version = await ReadVersionAsync(connection, transaction, cancellationToken);

        await using var command = Command(connection, transaction, """
            SELECT silo_address, status, proxy_port, host_name, silo_name, role_name, update_zone, fault_zone, start_time,
                   i_am_alive_time, suspect_times, etag
            FROM membership WHERE cluster_id = $cluster AND ($silo IS NULL OR silo_address = $silo)
            """, ("$cluster", _clusterId), ("$silo", silo?.ToParsableString()));
        var rows = new List<Tuple<MembershipEntry, string>>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                rows.Add(Tuple.Create(ReadEntry(reader), reader.GetString(11)));
        }

        return new MembershipTableData(rows, version);
    }

    /// <summary>
    /// The caller's new version goes in only if the stored version's ETag is the one it read; the version then gets
    /// a fresh ETag, so two silos that read the same version cannot both write.
    /// </summary>
    private async Task<bool> TryAdvanceVersionAsync(SqliteConnection connection, SqliteTransaction transaction, TableVersion next, CancellationToken cancellationToken) =>
        await ExecuteAsync(connection, transaction, "UPDATE membership_version SET version = $version, etag = $new_etag WHERE cluster_id = $cluster AND etag = $etag", cancellationToken,
            ("$version", next.Version), ("$new_etag", ETags.New()), ("$cluster", _clusterId), ("$etag", next.VersionEtag)) == 1;

    private async Task<TableVersion> ReadVersionAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, "SELECT version, etag FROM membership_version WHERE cluster_id = $cluster", ("$cluster", _clusterId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new TableVersion(reader.GetInt32(0), reader.GetString(1))
            : new TableVersion(0, "none"); // not initialized yet: no write can match this ETag
    }

    private (string, object?)[] RowValues(MembershipEntry entry) =>
    [
        ("$cluster", _clusterId),
        ("$silo", entry.SiloAddress.ToParsableString()),
        ("$status", (int)entry.Status),
        ("$proxy_port", entry.ProxyPort),
        ("$host_name", entry.HostName ?? ""),
        ("$silo_name", entry.SiloName ?? ""),
        ("$role_name", entry.RoleName),
        ("$update_zone", entry.UpdateZone),
        ("$fault_zone", entry.FaultZone),
        ("$start_time", MembershipRows.Time(entry.StartTime)),
        ("$i_am_alive_time", MembershipRows.Time(entry.IAmAliveTime)),
        ("$suspect_times", JsonSerializer.Serialize((entry.SuspectTimes ?? []).Select(s => new[] { s.Item1.ToParsableString(), MembershipRows.Time(s.Item2) }))),
    ];

    private static MembershipEntry ReadEntry(SqliteDataReader reader) => new()
    {
        SiloAddress = SiloAddress.FromParsableString(reader.GetString(0)),
        Status = (SiloStatus)reader.GetInt32(1),
        ProxyPort = reader.GetInt32(2),
        HostName = reader.GetString(3),
        SiloName = reader.GetString(4),
        RoleName = reader.IsDBNull(5) ? null : reader.GetString(5),
        UpdateZone = reader.GetInt32(6),
        FaultZone = reader.GetInt32(7),
        StartTime = MembershipRows.ParseTime(reader.GetString(8)),
        IAmAliveTime = MembershipRows.ParseTime(reader.GetString(9)),
        SuspectTimes = [.. JsonSerializer.Deserialize<string[][]>(reader.GetString(10))!
            .Select(s => Tuple.Create(SiloAddress.FromParsableString(s[0]), MembershipRows.ParseTime(s[1])))],
    };

    private static string ConnectionString(SqliteMembershipOptions options)
    {
        var path = System.IO.Path.GetFullPath(options.Path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        return new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Pooling = true,
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds)),
        }.ToString();
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, $"PRAGMA synchronous=FULL; PRAGMA busy_timeout={_busyTimeoutMs};", cancellationToken);
        return connection;
    }

    /// <summary>Takes the write lock at once, so the version check and the write see no other writer in between.</summary>
    private static SqliteTransaction BeginImmediate(SqliteConnection connection) => connection.BeginTransaction(deferred: false);

    private static async Task<int> ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }
}
