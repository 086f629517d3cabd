using Dapper;
using Imprint.Station.Images;

namespace Imprint.Station.State;

// The image store's index: one row per image held, keyed by the image's unique id.
public sealed partial class StationState
{
    internal async Task UpsertImageAsync(StoredImage image, CancellationToken cancellationToken)
    {
        await using var connection = Connect();
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO images (image_id, name, file_name, file_crc, size, added_at) VALUES (@ImageId, @Name, @FileName, @FileCrc, @Size, @AddedAt)
            ON CONFLICT (image_id) DO UPDATE SET name = excluded.name, file_name = excluded.file_name, file_crc = excluded.file_crc,
                size = excluded.size, added_at = excluded.added_at
            """,
            new
            {
                image.ImageId,
                Name = image.Name ?? "",
                FileName = System.IO.Path.GetFileName(image.File),
                FileCrc = (long)image.FileCrc,
                image.Size,
                AddedAt = FormatTime(image.AddedAt),
            },
            cancellationToken: cancellationToken));
    }

    internal async Task<bool> DeleteImageAsync(string imageId, CancellationToken cancellationToken)
    {
        await using var connection = Connect();
        return await connection.ExecuteAsync(new CommandDefinition("DELETE FROM images WHERE image_id = @imageId", new { imageId }, cancellationToken: cancellationToken)) > 0;
    }

    internal async Task<IReadOnlyList<(string ImageId, string Name, string FileName, uint FileCrc, long Size, DateTimeOffset AddedAt)>> ListImageRowsAsync(CancellationToken cancellationToken, string? imageId = null)
    {
        await using var connection = Connect();
        var rows = await connection.QueryAsync<(string ImageId, string Name, string FileName, long FileCrc, long Size, string AddedAt)>(
            new CommandDefinition(
                "SELECT image_id, name, file_name, file_crc, size, added_at FROM images WHERE @imageId IS NULL OR image_id = @imageId ORDER BY added_at, image_id",
                new { imageId },
                cancellationToken: cancellationToken));
        return [.. rows.Select(r => (r.ImageId, r.Name, r.FileName, (uint)r.FileCrc, r.Size, ParseTime(r.AddedAt)))];
    }

    /// <summary>Notes that the image is job <paramref name="jobId"/>'s current one (ids compare case-insensitively, as the cloud's do).</summary>
    internal async Task MarkJobImageAsync(string imageId, string jobId, CancellationToken cancellationToken)
    {
        await using var connection = Connect();
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE images SET job_id = @jobId WHERE lower(image_id) = lower(@imageId)", new { imageId, jobId }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// The images held for job <paramref name="jobId"/> other than its current one, except those
    /// with a unit in progress (recovery reports such a unit by its image).
    /// </summary>
    internal async Task<IReadOnlyList<string>> ListSupersededImagesAsync(string jobId, string currentImageId, CancellationToken cancellationToken)
    {
        await using var connection = Connect();
        var rows = await connection.QueryAsync<string>(new CommandDefinition(
            """
            SELECT image_id FROM images WHERE job_id = @jobId AND lower(image_id) <> lower(@currentImageId)
                AND image_id NOT IN (SELECT image_id FROM units_in_progress) ORDER BY added_at, image_id
            """,
            new { jobId, currentImageId },
            cancellationToken: cancellationToken));
        return [.. rows];
    }
}
