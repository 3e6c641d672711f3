import Metrics
import Prometheus
import ReverbEngine

/// Bootstraps swift-metrics with swift-prometheus, so the engine's metrics (docs/metrics.md) land in one
/// registry that `GET /metrics` renders in Prometheus' text format. Call once, before the server is made: the
/// engine makes its metric handles when it starts.
enum PrometheusExporter {
    static func bootstrap() -> MetricsEndpoint.Exposition {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Loopback fan-out takes tens of microseconds to milliseconds: finer buckets than the default 5 ms and up.
        factory.durationHistogramBuckets["reverb_broadcast_duration_seconds"] = [
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5),
        ]
        MetricsSystem.bootstrap(factory)
        return { registry.emitToBuffer() }
    }
}
