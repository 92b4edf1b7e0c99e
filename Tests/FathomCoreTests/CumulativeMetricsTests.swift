import Testing
@testable import FathomCore

/// Builds `IngestBatch.rollups`-shaped input: each entry adds `values` to `key` in minute
/// `minute` (value i observed at minute start + i ms).
func promRollups(_ entries: [(SeriesKey, Int64, [Double])]) -> [SeriesKey: [Int64: Rollup]] {
    var out: [SeriesKey: [Int64: Rollup]] = [:]
    for (key, minute, values) in entries {
        for (i, v) in values.enumerated() {
            out[key, default: [:]][minute * 60_000, default: Rollup()].add(v, at: minute * 60_000 + Int64(i))
        }
    }
    return out
}

func promFnKey(_ name: String, _ kind: MetricKind, _ function: String = "api", _ version: String = "1") -> SeriesKey {
    SeriesKey(name: name, kind: kind, tags: [Tag("function", function), Tag("version", version)])
}

func promText(_ m: CumulativeMetrics) -> (String, Int) {
    var w = PrometheusWriter()
    let skipped = m.render(into: &w)
    return (w.text, skipped)
}

@Suite struct CumulativeMetricsTests {
    @Test func builtInFamilies() {
        var m = CumulativeMetrics()
        m.add(promRollups([
            (promFnKey("fn.invocations", .count), 10, [1, 1]),
            (promFnKey("fn.errors", .count), 10, [0, 1]),
            (promFnKey("fn.timeouts", .count), 10, [0, 1]),
            (promFnKey("fn.cold_starts", .count), 10, [1, 0]),
            (promFnKey("fn.cost", .count), 10, [0.25, 0.5]),
            (promFnKey("fn.duration", .distribution), 10, [120, 2500]),
            (promFnKey("fn.billed_duration", .distribution), 10, [121, 2501]),
            (promFnKey("fn.init_duration", .distribution), 10, [300]),
            (promFnKey("fn.restore_duration", .distribution), 10, [40]),
            (promFnKey("fn.max_memory_used", .distribution), 10, [64, 96]),
            (promFnKey("fn.memory_utilization", .distribution), 10, [0.5, 0.75]),
            (promFnKey("fn.memory_size", .gauge), 10, [128, 256]),
        ]))
        #expect(m.seriesCount == 12)
        let (text, skipped) = promText(m)
        #expect(skipped == 0)
        #expect(text == """
            # HELP fathom_function_billed_duration_seconds Billed invocation duration.
            # TYPE fathom_function_billed_duration_seconds summary
            fathom_function_billed_duration_seconds{function="api",version="1",quantile="0.5"} 0.121
            fathom_function_billed_duration_seconds{function="api",version="1",quantile="0.9"} 2.501
            fathom_function_billed_duration_seconds{function="api",version="1",quantile="0.99"} 2.501
            fathom_function_billed_duration_seconds_sum{function="api",version="1"} 2.622
            fathom_function_billed_duration_seconds_count{function="api",version="1"} 2
            # HELP fathom_function_cold_starts_total Invocations that started a new execution environment (init or restore).
            # TYPE fathom_function_cold_starts_total counter
            fathom_function_cold_starts_total{function="api",version="1"} 1
            # HELP fathom_function_cost_usd_total Estimated cost of the invocations in US dollars (requests and GB-seconds).
            # TYPE fathom_function_cost_usd_total counter
            fathom_function_cost_usd_total{function="api",version="1"} 0.75
            # HELP fathom_function_duration_seconds Invocation duration.
            # TYPE fathom_function_duration_seconds summary
            fathom_function_duration_seconds{function="api",version="1",quantile="0.5"} 0.12
            fathom_function_duration_seconds{function="api",version="1",quantile="0.9"} 2.5
            fathom_function_duration_seconds{function="api",version="1",quantile="0.99"} 2.5
            fathom_function_duration_seconds_sum{function="api",version="1"} 2.62
            fathom_function_duration_seconds_count{function="api",version="1"} 2
            # HELP fathom_function_errors_total Failed invocations (error, timeout, out of memory, crash).
            # TYPE fathom_function_errors_total counter
            fathom_function_errors_total{function="api",version="1"} 1
            # HELP fathom_function_init_duration_seconds Init duration of cold starts.
            # TYPE fathom_function_init_duration_seconds summary
            fathom_function_init_duration_seconds{function="api",version="1",quantile="0.5"} 0.3
            fathom_function_init_duration_seconds{function="api",version="1",quantile="0.9"} 0.3
            fathom_function_init_duration_seconds{function="api",version="1",quantile="0.99"} 0.3
            fathom_function_init_duration_seconds_sum{function="api",version="1"} 0.3
            fathom_function_init_duration_seconds_count{function="api",version="1"} 1
            # HELP fathom_function_invocations_total Lambda invocations seen in the logs.
            # TYPE fathom_function_invocations_total counter
            fathom_function_invocations_total{function="api",version="1"} 2
            # HELP fathom_function_max_memory_used_bytes Peak memory used by an invocation.
            # TYPE fathom_function_max_memory_used_bytes summary
            fathom_function_max_memory_used_bytes{function="api",version="1",quantile="0.5"} 67108864
            fathom_function_max_memory_used_bytes{function="api",version="1",quantile="0.9"} 100663296
            fathom_function_max_memory_used_bytes{function="api",version="1",quantile="0.99"} 100663296
            fathom_function_max_memory_used_bytes_sum{function="api",version="1"} 167772160
            fathom_function_max_memory_used_bytes_count{function="api",version="1"} 2
            # HELP fathom_function_memory_size_bytes Configured memory size (latest seen).
            # TYPE fathom_function_memory_size_bytes gauge
            fathom_function_memory_size_bytes{function="api",version="1"} 268435456
            # HELP fathom_function_memory_utilization_ratio Peak memory used by an invocation over the memory size.
            # TYPE fathom_function_memory_utilization_ratio summary
            fathom_function_memory_utilization_ratio{function="api",version="1",quantile="0.5"} 0.5
            fathom_function_memory_utilization_ratio{function="api",version="1",quantile="0.9"} 0.75
            fathom_function_memory_utilization_ratio{function="api",version="1",quantile="0.99"} 0.75
            fathom_function_memory_utilization_ratio_sum{function="api",version="1"} 1.25
            fathom_function_memory_utilization_ratio_count{function="api",version="1"} 2
            # HELP fathom_function_restore_duration_seconds Restore duration of SnapStart cold starts.
            # TYPE fathom_function_restore_duration_seconds summary
            fathom_function_restore_duration_seconds{function="api",version="1",quantile="0.5"} 0.04
            fathom_function_restore_duration_seconds{function="api",version="1",quantile="0.9"} 0.04
            fathom_function_restore_duration_seconds{function="api",version="1",quantile="0.99"} 0.04
            fathom_function_restore_duration_seconds_sum{function="api",version="1"} 0.04
            fathom_function_restore_duration_seconds_count{function="api",version="1"} 1
            # HELP fathom_function_timeouts_total Invocations that timed out.
            # TYPE fathom_function_timeouts_total counter
            fathom_function_timeouts_total{function="api",version="1"} 1

            """)
    }

    @Test func everyAggregatorSeriesIsBuiltIn() {
        // Whatever fn.* series MetricAggregator makes maps to a fathom_function_ family.
        var agg = MetricAggregator()
        agg.add(Invocation(
            requestID: "r1", function: "api", version: "1", start: 600_000, end: 600_100,
            durationMs: 100, billedDurationMs: 100, memorySizeMB: 128, maxMemoryUsedMB: 64,
            initDurationMs: 10, restoreDurationMs: 5, status: .timeout))
        var m = CumulativeMetrics()
        let rollups = agg.take()
        m.add(rollups)
        let (text, skipped) = promText(m)
        #expect(skipped == 0)
        #expect(rollups.count == 12)
        for key in rollups.keys {
            let p = PrometheusPlacement(key)
            #expect(p.isBuiltin && p.family.hasPrefix("fathom_function_"), "\(key.text)")
            #expect(text.contains("# TYPE \(p.family) \(p.type.rawValue)\n"), "\(key.text)")
        }
    }

    @Test func customFamilies() {
        var m = CumulativeMetrics()
        let tags = [Tag("function", "api"), Tag("version", "1")]
        m.add(promRollups([
            (SeriesKey(name: "orders.placed", kind: .count, tags: tags + [Tag("env", "prod")]), 1, [2, 3]),
            (SeriesKey(name: "requests_total", kind: .count, tags: tags), 1, [5]),
            (SeriesKey(name: "queue.depth", kind: .gauge, tags: tags), 1, [7, 4]),
            (SeriesKey(name: "db.health", kind: .check, tags: tags), 1, [0, 2]),
            (SeriesKey(name: "payload.size", kind: .distribution, tags: tags), 1, [10, 30]),
            (SeriesKey(name: "fn.duration", kind: .count, tags: tags), 1, [1]),
            (SeriesKey(name: "odd", kind: .gauge,
                       tags: [Tag("quantile", "q"), Tag("le", "l"), Tag("a.b", "1"), Tag("a_b", "2"),
                              Tag("beta", ""), Tag("__name__", "n"), Tag("msg", "say \"hi\"\n")]), 1, [1.5]),
        ]))
        let (text, skipped) = promText(m)
        #expect(skipped == 0)
        #expect(text == """
            # HELP db_health Custom check db.health (latest status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).
            # TYPE db_health gauge
            db_health{function="api",version="1"} 2
            # HELP fn_duration_total Custom count metric fn.duration (sum of the values).
            # TYPE fn_duration_total counter
            fn_duration_total{function="api",version="1"} 1
            # HELP odd Custom gauge metric odd (latest value).
            # TYPE odd gauge
            odd{a_b="1",a_b_2="2",msg="say \\"hi\\"\\n",tag___name__="n",tag_le="l",tag_quantile="q"} 1.5
            # HELP orders_placed_total Custom count metric orders.placed (sum of the values).
            # TYPE orders_placed_total counter
            orders_placed_total{env="prod",function="api",version="1"} 5
            # HELP payload_size Custom distribution metric payload.size.
            # TYPE payload_size summary
            payload_size{function="api",version="1",quantile="0.5"} 10
            payload_size{function="api",version="1",quantile="0.9"} 30
            payload_size{function="api",version="1",quantile="0.99"} 30
            payload_size_sum{function="api",version="1"} 40
            payload_size_count{function="api",version="1"} 2
            # HELP queue_depth Custom gauge metric queue.depth (latest value).
            # TYPE queue_depth gauge
            queue_depth{function="api",version="1"} 4
            # HELP requests_total Custom count metric requests_total (sum of the values).
            # TYPE requests_total counter
            requests_total{function="api",version="1"} 5

            """)
    }

    /// A distribution of 1000s in minute 0, and more values in later minutes.
    private func slid() -> (CumulativeMetrics, SeriesKey) {
        var m = CumulativeMetrics(windowMinutes: 5)
        let key = SeriesKey(name: "lat", kind: .distribution, tags: [])
        m.add(promRollups([(key, 0, [1000, 1000]), (key, 5, [7, 8])]))
        m.add(promRollups([(key, 10, [1, 2])]))
        return (m, key)
    }

    @Test func windowSlides() {
        var (m, key) = slid()
        // Minute 10 is the newest: the window is minutes 6...10, so minutes 0 and 5 only count
        // in _sum and _count.
        #expect(promText(m).0 == """
            # HELP lat Custom distribution metric lat.
            # TYPE lat summary
            lat{quantile="0.5"} 1
            lat{quantile="0.9"} 2
            lat{quantile="0.99"} 2
            lat_sum 2018
            lat_count 6

            """)
        // Late values: minute 6 is in the window (its 50 is the new maximum), minute 5 is not
        // (its 9999 only counts in _sum and _count).
        m.add(promRollups([(key, 6, [50]), (key, 5, [9999])]))
        let lines = promText(m).0.split(separator: "\n")
        #expect(Array(lines[3...]) == [
            "lat{quantile=\"0.9\"} 50", "lat{quantile=\"0.99\"} 50", "lat_sum 12067", "lat_count 8",
        ])
        // The median of 1, 2, 50 comes from the sketch: 2 within its 1% accuracy.
        #expect(lines[2].hasPrefix("lat{quantile=\"0.5\"} "))
        let median = Double(lines[2].split(separator: " ")[1])!
        #expect(abs(median - 2) <= 0.02)
        #expect(m.series[key]!.window.keys.sorted() == [360_000, 600_000])
        // Minute 16 pushes everything else out.
        m.add(promRollups([(key, 16, [3])]))
        #expect(m.series[key]!.window.keys.sorted() == [960_000])
        #expect(promText(m).0.contains("lat{quantile=\"0.5\"} 3\n"))
        #expect(promText(m).0.contains("lat_count 9\n"))
    }

    @Test func windowBoundaryIsInclusive() {
        var m = CumulativeMetrics(windowMinutes: 3)
        let key = SeriesKey(name: "lat", kind: .distribution, tags: [])
        m.add(promRollups([(key, 7, [1]), (key, 8, [2]), (key, 9, [3]), (key, 10, [4])]))
        #expect(m.series[key]!.window.keys.sorted() == [480_000, 540_000, 600_000])
    }

    @Test func emptyWindowHasNoQuantiles() {
        var seeded = CumulativeMetrics()
        seeded.seed(SeriesKey(name: "lat", kind: .distribution, tags: []), count: 4, sum: 10, last: 3, lastTime: 5)
        var none = CumulativeMetrics(windowMinutes: 0)
        none.add(promRollups([(SeriesKey(name: "lat", kind: .distribution, tags: []), 1, [1, 2, 3, 4])]))
        let expected = """
            # HELP lat Custom distribution metric lat.
            # TYPE lat summary
            lat_sum 10
            lat_count 4

            """
        #expect(promText(seeded).0 == expected)
        #expect(promText(none).0 == expected)
        #expect(none.series.values.first!.window.isEmpty)
    }

    @Test func seedingThenAdding() {
        var m = CumulativeMetrics()
        let inv = promFnKey("fn.invocations", .count)
        let size = promFnKey("fn.memory_size", .gauge)
        m.seed(inv, count: 10, sum: 10, last: 1, lastTime: 100)
        m.seed(size, count: 3, sum: 384, last: 512, lastTime: 900_000)
        m.seed(SeriesKey(name: "nothing", kind: .gauge, tags: []), count: 0, sum: 0, last: 0, lastTime: 0)
        #expect(m.seriesCount == 3)
        // The seeded memory size is newer than the added one, so it stays the latest.
        m.add(promRollups([(inv, 1, [1, 1]), (size, 1, [128])]))
        #expect(promText(m).0 == """
            # HELP fathom_function_invocations_total Lambda invocations seen in the logs.
            # TYPE fathom_function_invocations_total counter
            fathom_function_invocations_total{function="api",version="1"} 12
            # HELP fathom_function_memory_size_bytes Configured memory size (latest seen).
            # TYPE fathom_function_memory_size_bytes gauge
            fathom_function_memory_size_bytes{function="api",version="1"} 536870912

            """)
        m.add(promRollups([(size, 20, [1024])]))
        #expect(promText(m).0.hasSuffix("fathom_function_memory_size_bytes{function=\"api\",version=\"1\"} 1073741824\n"))
    }

    @Test func collisionsSkipLaterSeries() {
        var m = CumulativeMetrics()
        m.add(promRollups([
            (SeriesKey(name: "x", kind: .count, tags: []), 1, [1]),
            (SeriesKey(name: "x_total", kind: .gauge, tags: []), 1, [2]),  // family x_total taken by a counter
            (SeriesKey(name: "lat", kind: .distribution, tags: []), 1, [3]),
            (SeriesKey(name: "lat_count", kind: .gauge, tags: []), 1, [4]),  // a sample name of summary lat
            (SeriesKey(name: "fathom.function.duration.seconds", kind: .distribution, tags: []), 1, [5]),
            (SeriesKey(name: "fathom_up", kind: .gauge, tags: []), 1, [1]),  // fathom_ is reserved
            (SeriesKey(name: "orders.placed", kind: .count, tags: [Tag("env", "a")]), 1, [1]),
            (SeriesKey(name: "orders_placed", kind: .count, tags: [Tag("env", "a")]), 1, [2]),  // same labels
            (SeriesKey(name: "orders_placed", kind: .count, tags: [Tag("env", "b")]), 1, [3]),  // same family, fine
            (SeriesKey(name: "flag", kind: .check, tags: []), 1, [1]),
            (SeriesKey(name: "flag", kind: .gauge, tags: [Tag("k", "v")]), 1, [5]),  // another kind
            (SeriesKey(name: "tagged", kind: .gauge, tags: [Tag("beta", "")]), 1, [1]),
            (SeriesKey(name: "tagged", kind: .gauge, tags: []), 1, [2]),  // same labels once `beta` is dropped
        ]))
        let (text, skipped) = promText(m)
        #expect(skipped == 7)
        #expect(text == """
            # HELP flag Custom check flag (latest status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).
            # TYPE flag gauge
            flag 1
            # HELP lat Custom distribution metric lat.
            # TYPE lat summary
            lat{quantile="0.5"} 3
            lat{quantile="0.9"} 3
            lat{quantile="0.99"} 3
            lat_sum 3
            lat_count 1
            # HELP orders_placed_total Custom count metric orders.placed (sum of the values).
            # TYPE orders_placed_total counter
            orders_placed_total{env="a"} 1
            orders_placed_total{env="b"} 3
            # HELP tagged Custom gauge metric tagged (latest value).
            # TYPE tagged gauge
            tagged 2
            # HELP x_total Custom count metric x (sum of the values).
            # TYPE x_total counter
            x_total 1

            """)
    }

    @Test func builtInsWinOverCustomNames() {
        var m = CumulativeMetrics()
        // A custom series that sorts first still loses its family name to the built-in one.
        m.add(promRollups([
            (SeriesKey(name: "a", kind: .count, tags: []), 1, [1]),
            (promFnKey("fn.invocations", .count), 1, [1]),
        ]))
        #expect(promText(m).1 == 0)
        var n = CumulativeMetrics()
        n.add(promRollups([
            (SeriesKey(name: "fathom_function_invocations", kind: .count, tags: []), 1, [1]),
            (promFnKey("fn.invocations", .count), 1, [1]),
        ]))
        let (text, skipped) = promText(n)
        #expect(skipped == 1)
        #expect(text.contains("fathom_function_invocations_total{function=\"api\",version=\"1\"} 1\n"))
        #expect(!text.contains("Custom"))
    }

    @Test func orderIsDeterministic() {
        let entries: [(SeriesKey, Int64, [Double])] = [
            (promFnKey("fn.invocations", .count, "web", "10"), 1, [1]),
            (promFnKey("fn.invocations", .count, "web", "2"), 1, [1, 1]),
            (promFnKey("fn.invocations", .count, "api", "$LATEST"), 2, [1]),
            (promFnKey("fn.duration", .distribution, "web", "2"), 3, [5]),
            (SeriesKey(name: "zeta", kind: .gauge, tags: [Tag("b", "1")]), 1, [1]),
            (SeriesKey(name: "zeta", kind: .gauge, tags: [Tag("a", "2")]), 1, [2]),
            (SeriesKey(name: "alpha", kind: .gauge, tags: []), 1, [3]),
        ]
        var one = CumulativeMetrics()
        one.add(promRollups(entries))
        var two = CumulativeMetrics()
        for e in entries.reversed() { two.add(promRollups([e])) }
        let text = promText(one).0
        #expect(text == promText(two).0)
        let samples = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(samples == [
            "alpha 3",
            "fathom_function_duration_seconds{function=\"web\",version=\"2\",quantile=\"0.5\"} 0.005",
            "fathom_function_duration_seconds{function=\"web\",version=\"2\",quantile=\"0.9\"} 0.005",
            "fathom_function_duration_seconds{function=\"web\",version=\"2\",quantile=\"0.99\"} 0.005",
            "fathom_function_duration_seconds_sum{function=\"web\",version=\"2\"} 0.005",
            "fathom_function_duration_seconds_count{function=\"web\",version=\"2\"} 1",
            "fathom_function_invocations_total{function=\"api\",version=\"$LATEST\"} 1",
            "fathom_function_invocations_total{function=\"web\",version=\"10\"} 1",
            "fathom_function_invocations_total{function=\"web\",version=\"2\"} 2",
            "zeta{a=\"2\"} 2",
            "zeta{b=\"1\"} 1",
        ])
    }
}
