using System.Text;

namespace SynAck.Analysis.Reports;

/// <summary>A write-only stream that decodes UTF-8 into a <see cref="TextWriter"/>, so JSON can stream to stdout or a test's writer.</summary>
internal sealed class TextWriterStream : Stream
{
    private readonly TextWriter _writer;
    private readonly Decoder _decoder = new UTF8Encoding(false).GetDecoder();
    private char[] _chars = new char[4096];

    public TextWriterStream(TextWriter writer) => _writer = writer;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        int need = _decoder.GetCharCount(buffer, flush: false);
        if (_chars.Length < need)
            _chars = new char[need];
        int n = _decoder.GetChars(buffer, _chars, flush: false);
        _writer.Write(_chars, 0, n);
    }

    public override void Flush() => _writer.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
