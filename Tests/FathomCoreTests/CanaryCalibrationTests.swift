import Testing

@testable import FathomCore

/// The canary judge against the generator's truth: function i has a stable version 40+i and a
/// canary 41+i; for even i the canary is 1.6x slower and fails 3 % more often, for odd i it is
/// the same code (an A/A comparison).
@Suite struct CanaryCalibrationTests {
    /// Generated logs ingested with the core `Ingestor` into an in-memory store.
    static func ingest(_ config: GeneratorConfig) throws -> (reader: InMemoryMetricReader, truth: GeneratorTruth) {
        var g = try LogGenerator(config)
        let (files, _) = g.run()
        var ing = Ingestor(config: IngestConfig())
        var reader = InMemoryMetricReader()
        for f in files {
            ing.begin(SourceInfo.from(path: f.path!))
            ing.feed(f.bytes)
            ing.end()
            reader.add(batch: ing.takeBatch().rollups)
        }
        reader.add(batch: ing.finish().rollups)
        return (reader, g.truth!)
    }

    static func corpus(seed: Int, invocations: Int = 4000, functions: Int = 4, canaryShare: Double = 0.2) -> GeneratorConfig {
        GeneratorConfig(
            seed: seed, invocations: invocations, functions: functions, seconds: 3600, canaryShare: canaryShare,
            format: .text, outDir: "logs")
    }

    static func judge(_ reader: InMemoryMetricReader, _ c: GeneratorTruth.Canary) throws -> CanaryReport {
        try CanaryJudge.compare(
            reader: reader, function: c.function, baseline: c.stable, canary: c.canary, from: 0, to: .max)
    }

    @Test func worseCanaryFailsAndSameCodePasses() throws {
        let (reader, truth) = try Self.ingest(Self.corpus(seed: 21, invocations: 8000))
        #expect(truth.canaries.count == 4)
        for c in truth.canaries {
            let r = try Self.judge(reader, c)
            #expect(r.baselineInvocations >= 1000 && r.canaryInvocations >= 250, "\(c.function): \(r.canaryInvocations) canary invocations")
            if c.canaryIsWorse {
                #expect(r.verdict == .fail, "\(c.function): \(r.verdict) \(r.reasons)")
                let rows = Dictionary(uniqueKeysWithValues: r.metrics.map { ($0.name, $0) })
                #expect(rows["duration.p50"]?.classification == .fail)
                #expect(rows["error_rate"]?.classification == .fail, "\(r.reasons)")
                #expect(r.reasons.first?.hasPrefix("critical metric") == true, "\(r.reasons)")
                // 1.6x slower: the median moves by about +60 % (1 % sketch accuracy, sampling noise).
                let change = try #require(rows["duration.p50"]?.change)
                #expect(change > 0.4 && change < 0.8, "\(change)")
                #expect((rows["duration.p50"]?.effectSize ?? 0) > 0.7)
            } else {
                #expect(r.verdict == .pass, "\(c.function): \(r.verdict) \(r.reasons)")
                #expect(r.score! >= 75)
            }
        }
    }

    @Test func automaticVersionsPickTheNewestAsCanary() throws {
        let (reader, truth) = try Self.ingest(Self.corpus(seed: 22, invocations: 1000, functions: 2))
        for c in truth.canaries {
            let v = try #require(try CanaryJudge.versions(reader: reader, function: c.function, from: 0, to: .max))
            #expect(v.baseline == c.stable && v.canary == c.canary)
            #expect(try CanaryJudge.knownVersions(reader: reader, function: c.function) == [c.stable, c.canary])
        }
        #expect(try CanaryJudge.versions(reader: reader, function: "nope", from: 0, to: .max) == nil)
        #expect(try CanaryJudge.knownFunctions(reader: reader) == truth.canaries.map(\.function).sorted())
    }

    @Test func belowMinimumTrafficIsInconclusive() throws {
        // 300 invocations over 2 functions: about 30 per canary.
        let (reader, truth) = try Self.ingest(Self.corpus(seed: 23, invocations: 300, functions: 2))
        for c in truth.canaries {
            let r = try Self.judge(reader, c)
            #expect(r.canaryInvocations < 100)
            #expect(r.verdict == .inconclusive && r.score == nil)
            #expect(
                r.reasons.contains("canary \(c.canary) has \(r.canaryInvocations) invocations; at least 100 per version are needed"),
                "\(r.reasons)")
            #expect(!r.metrics.isEmpty, "the rows are still shown")
        }
        // A lower minimum makes the same data judgeable.
        var config = CanaryJudge.Config()
        config.minInvocations = 10
        let c = truth.canaries[0]
        let r = try CanaryJudge.compare(
            reader: reader, function: c.function, baseline: c.stable, canary: c.canary, from: 0, to: .max, config: config)
        #expect(r.verdict != .inconclusive)
        // A version without traffic in the window: 0 invocations.
        let empty = try CanaryJudge.compare(
            reader: reader, function: c.function, baseline: c.stable, canary: "999", from: 0, to: .max)
        #expect(empty.verdict == .inconclusive && empty.canaryInvocations == 0)
        #expect(empty.metrics.allSatisfy { $0.classification == .nodata })
    }

    /// A/A calibration: the same-code canaries of 40 seeds (two functions each, 80 comparisons)
    /// must pass at least 95 % of the time. Measured: 79 of 80 = 98.75 % (the one miss, seed 128
    /// user-api, fails on error_rate: 0 of ~800 baseline errors against 4 of 202, Fisher's exact
    /// p = 0.0016 — a fluke of the data within the family-wise α of 0.05; see docs/canary.md).
    @Test func sameCodeCanaryPassesAtLeast95PercentOfSeeds() throws {
        var trials = 0
        var passes = 0
        var fails = 0
        var notPassing: [String] = []
        for seed in 100..<140 {
            let (reader, truth) = try Self.ingest(Self.corpus(seed: seed))
            for c in truth.canaries where !c.canaryIsWorse {
                let r = try Self.judge(reader, c)
                guard r.verdict != .inconclusive else {
                    Issue.record("seed \(seed) \(c.function): inconclusive \(r.reasons)")
                    continue
                }
                trials += 1
                if r.verdict == .pass { passes += 1 } else { notPassing.append("seed \(seed) \(c.function): \(r.verdict) \(r.reasons)") }
                if r.verdict == .fail { fails += 1 }
            }
        }
        #expect(trials == 80)
        let rate = Double(passes) / Double(trials)
        print("A/A calibration: \(passes) of \(trials) same-code canaries passed (\(rate * 100)%)")
        for line in notPassing { print("  " + line) }
        #expect(rate >= 0.95, "\(notPassing)")
        // The family-wise α of 0.05 bounds false alarms (a Fail) at about 5 % as well.
        #expect(Double(fails) / Double(trials) <= 0.05, "\(notPassing)")
    }
}
