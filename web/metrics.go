package web

import (
	"context"
	"crypto/subtle"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/sportello/sportello/handoff"
)

// Metrics are the figures IT scrapes at /metrics, in their own registry
// (no globals): requests, answers by decision, escalations, the queue,
// operators online, the outbox backlog, index reloads.
type Metrics struct {
	reg         *prometheus.Registry
	requests    *prometheus.CounterVec
	answers     *prometheus.CounterVec
	escalations *prometheus.CounterVec
	reloads     *prometheus.CounterVec
}

// NewMetrics builds the registry; cmd wires it before the schede load.
func NewMetrics() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "sportello_http_requests_total",
			Help: "HTTP requests by route and status class."}, []string{"route", "code"}),
		answers: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "sportello_answers_total",
			Help: "Questions answered by the assistant, by decision."}, []string{"decision"}),
		escalations: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "sportello_escalations_total",
			Help: "Hand-overs to people by reason (live=false: offered a written request)."}, []string{"reason", "live"}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "sportello_index_reloads_total",
			Help: "Rebuilds of the schede index, by result."}, []string{"result"}),
	}
	m.reg.MustRegister(m.requests, m.answers, m.escalations, m.reloads,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// WatchBackups publishes when the last copy of the data was made, for an
// alert when copies stop.
func (m *Metrics) WatchBackups(last func() time.Time) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "sportello_backup_last_success_timestamp_seconds",
		Help: "When the last copy of the data was written (Unix time; 0: none yet)."},
		func() float64 {
			if t := last(); !t.IsZero() {
				return float64(t.Unix())
			}
			return 0
		}))
}

// IndexLoaded counts a rebuild of the index.
func (m *Metrics) IndexLoaded(err error) {
	if err != nil {
		m.reloads.WithLabelValues("error").Inc()
		return
	}
	m.reloads.WithLabelValues("ok").Inc()
}

var decisionName = map[uint8]string{handoff.DecAnswer: "answer", handoff.DecClarify: "clarify", handoff.DecHandoff: "handoff", handoff.DecSmallTalk: "smalltalk"}

// observe counts the events that are also metrics.
func (m *Metrics) observe(e handoff.StatEvent) {
	switch e.Kind {
	case handoff.EvQuestion:
		m.answers.WithLabelValues(decisionName[e.Decision]).Inc()
	case handoff.EvEscalation:
		m.escalations.WithLabelValues(string(handoff.ReasonOf(e.Reason)), strconv.FormatBool(e.Value == 0)).Inc()
	}
}

// live registers the gauges read at scrape time.
func (m *Metrics) live(s *Server) {
	m.reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "sportello_queue_length", Help: "Chats waiting for an operator."},
			func() float64 { return float64(len(s.desk.Snapshot().Queue)) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "sportello_operators_online", Help: "Operators online."},
			func() float64 {
				n := 0
				for _, o := range s.desk.Snapshot().Operators {
					if o.Status == handoff.Online {
						n++
					}
				}
				return float64(n)
			}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "sportello_outbox_pending", Help: "Emails not yet accepted by the SMTP server."},
			func() float64 { p, _ := s.outbox.Pending(context.Background()); return float64(len(p)) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "sportello_outbox_failed", Help: "Emails flagged after repeated failures."},
			func() float64 {
				p, _ := s.outbox.Pending(context.Background())
				n := 0
				for _, e := range p {
					if e.Failed {
						n++
					}
				}
				return float64(n)
			}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "sportello_schede", Help: "Published schede served."},
			func() float64 {
				if set := s.cards(); set != nil {
					return float64(len(set.Published()))
				}
				return 0
			}),
	)
}

// countRequests is the middleware behind sportello_http_requests_total.
func (m *Metrics) countRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		m.requests.WithLabelValues(route, strconv.Itoa(c.Response().Status/100)+"xx").Inc()
		return nil
	}
}

// metrics serves the Prometheus text format: with a token configured it
// must be given as a bearer token; without one, only from this machine
// or a private network.
func (s *Server) metricsHandler() echo.HandlerFunc {
	h := promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{})
	return func(c echo.Context) error {
		if tok := s.opts.MetricsToken; tok != "" {
			got, _ := strings.CutPrefix(c.Request().Header.Get("Authorization"), "Bearer ")
			if subtle.ConstantTimeCompare([]byte(got), []byte(tok)) != 1 {
				return echo.NewHTTPError(http.StatusUnauthorized)
			}
		} else if ip := net.ParseIP(c.RealIP()); ip == nil || !(ip.IsLoopback() || ip.IsPrivate()) {
			return echo.NewHTTPError(http.StatusForbidden)
		}
		h.ServeHTTP(c.Response(), c.Request())
		return nil
	}
}
