namespace SynAck.Analysis.Tests.Demo;

/// <summary>Runs the <c>synack</c> command line in-process and captures what it prints.</summary>
internal static class SynackCli
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        int code = SynAck.Cli.Program.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
