import ArgumentParser

/// `fathom`: metrics and traces from serverless function logs.
@main
struct Fathom: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fathom",
        abstract: "Metrics, traces, alerts, canary verdicts and dashboards from AWS Lambda logs, per function and per version.",
        discussion: """
            Fathom reads function logs (plain text, Lambda's JSON log format, `aws logs tail` output, \
            CloudWatch Logs subscription envelopes, gzip files) into an embedded store, and answers \
            questions about them.

            Examples:
              fathom ingest samples/logs
              fathom functions
              fathom query 'p99:fn.duration{function:checkout} by {version}'
              fathom trace c-5f2a9e0b7d3c4a11
              fathom compare checkout                       # is the newest version worse?
              fathom alerts eval --rules samples/rules.yaml --at 2026-11-20T10:30:00Z
              fathom dashboard overview --watch 5s
              aws logs tail /aws/lambda/checkout | fathom ingest --function checkout

            The store is $FATHOM_STORE, else $XDG_DATA_HOME/fathom/fathom.sqlite, else \
            ~/.local/share/fathom/fathom.sqlite; every command takes --store PATH.
            Shell completions: fathom --generate-completion-script bash|zsh|fish
            """,
        version: "0.1.0",
        subcommands: [
            Ingest.self, Functions.self, Query.self, Metrics.self, Trace.self, QuarantineCommand.self,
            Generate.self, DaemonCommand.self, StatusCommand.self, Compare.self, RulesCommand.self, AlertsCommand.self,
            DashboardCommand.self,
        ]
    )
}
