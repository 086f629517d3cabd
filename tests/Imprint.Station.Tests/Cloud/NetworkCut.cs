using System.Net;
using System.Net.Http.Headers;

namespace Imprint.Tests.Cloud;

/// <summary>Sits between the station and the cloud and cuts the network on demand.</summary>
internal sealed class NetworkCut() : DelegatingHandler(new SocketsHttpHandler())
{
    private int _downloads;

    /// <summary>Gets or sets a value indicating whether requests fail before reaching the cloud.</summary>
    public bool Down { get; set; }

    /// <summary>Gets or sets a value indicating whether result uploads reach the cloud but their answer is lost.</summary>
    public bool LoseUploadAnswers { get; set; }

    /// <summary>Gets or sets a value indicating whether result uploads fail before reaching the cloud (grants still pass).</summary>
    public bool BlockUploads { get; set; }

    /// <summary>Gets or sets after how many bytes an image download's connection drops, or <see langword="null"/> to let it through.</summary>
    public long? CutDownloadsAfter { get; set; }

    /// <summary>
    /// Gets or sets a record id whose upload is answered with a 422 ProblemDetails instead of reaching
    /// the cloud: the answer a cloud with a stricter validation rule gives, which no test can make the
    /// real one give to a record the station wrote.
    /// </summary>
    public string? RefuseRecord { get; set; }

    /// <summary>Gets how many image downloads were started.</summary>
    public int Downloads => Volatile.Read(ref _downloads);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (Down) throw new HttpRequestException("Connection refused (cut by the test)");
        var path = request.RequestUri!.AbsolutePath;
        bool upload = path.EndsWith("/results", StringComparison.Ordinal);
        if (upload && BlockUploads) throw new HttpRequestException("Connection refused (uploads cut by the test)");
        if (upload && RefuseRecord is { } refused && (await request.Content!.ReadAsStringAsync(cancellationToken)).Contains(refused, StringComparison.Ordinal))
        {
            var problem = new StringContent(
                $$"""{"status":422,"title":"Invalid record","detail":"records[0]: record '{{refused}}' fails the cloud's validation (injected by the test)."}""");
            problem.Headers.ContentType = new MediaTypeHeaderValue("application/problem+json");
            return new HttpResponseMessage(HttpStatusCode.UnprocessableEntity) { Content = problem, RequestMessage = request };
        }

        bool download = path.EndsWith("/image", StringComparison.Ordinal) && request.Method == HttpMethod.Get;
        if (download) Interlocked.Increment(ref _downloads);
        var response = await base.SendAsync(request, cancellationToken);
        if (LoseUploadAnswers && upload)
        {
            response.Dispose();
            throw new HttpRequestException("Connection reset (answer lost by the test)");
        }

        if (download && CutDownloadsAfter is { } limit && response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var cut = new StreamContent(new CutStream(body, limit));
            foreach (var header in response.Content.Headers) cut.Headers.TryAddWithoutValidation(header.Key, header.Value);
            response.Content = cut;
        }

        return response;
    }

    /// <summary>Passes <c>limit</c> bytes through, then fails as a reset connection does.</summary>
    private sealed class CutStream(Stream inner, long limit) : Stream
    {
        private long _passed;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _passed; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_passed >= limit) throw new IOException("Connection reset by peer (cut by the test mid-download)");
            int n = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, limit - _passed)], cancellationToken);
            _passed += n;
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
