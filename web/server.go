// Package web is Sportello's HTTP face: the citizen API and WebSocket,
// the embeddable widget, the demo portal page. Handlers are methods on
// Server; routes are in one table (routes.go); errors are mapped to HTTP
// statuses in one place (errors.go).
package web

import (
	"context"
	"errors"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/sportello/sportello/assistant"
	"github.com/sportello/sportello/handoff"
	"github.com/sportello/sportello/insights"
	"github.com/sportello/sportello/schede"
)

// Options is the part of the configuration the web layer needs.
type Options struct {
	Comune string
	// NoQuestionBank leaves the question bank of other comuni out of
	// the redazione's preview, as out of the assistant that serves.
	NoQuestionBank bool
	// PortalOrigins may embed the widget from another origin (CORS and
	// WebSocket origin check), e.g. "https://www.comune.example.it".
	PortalOrigins []string
	Widget        WidgetOptions
	// TrustProxy takes the client IP from X-Forwarded-For (behind a
	// reverse proxy). Off, the connection's address is used.
	TrustProxy bool
	// MetricsToken, when set, is required to read /metrics.
	MetricsToken string
	// Per-minute limits of citizen messages.
	MessagesPerMinuteConversation int
	MessagesPerMinuteIP           int
	ConversationsPerMinuteIP      int
}

// WidgetOptions are the texts and colour the widget shows.
type WidgetOptions struct {
	Title      string `json:"title" yaml:"title"`
	Color      string `json:"color" yaml:"color"`
	Welcome    string `json:"welcome" yaml:"welcome"`
	PrivacyURL string `json:"privacy_url" yaml:"privacy_url"`
}

// Server holds the dependencies of the handlers.
type Server struct {
	echo      *echo.Echo
	opts      Options
	log       *slog.Logger
	store     *handoff.Store
	chat      *handoff.Chat
	hub       *handoff.Hub
	desk      *handoff.Desk
	assistant *assistant.Assistant
	cards     func() *schede.Set
	assets    *assets
	portal    *template.Template
	pages     *template.Template
	accounts  *handoff.Accounts
	tickets   *handoff.Tickets
	outbox    *handoff.Outbox
	events    *handoff.Recorder
	questions *handoff.Unanswered
	metrics   *Metrics
	editor    *schede.Editor
	problems  func() []schede.Problem
	grouper   *insights.Grouper

	convLimit   *limiter
	ipLimit     *limiter
	createLimit *limiter
	loginLimit  *limiter
	ticketLimit *limiter
	ticketTries *limiter
	httpServer  *http.Server
	refused     originWatch
	// stopping is closed by Shutdown to end WebSockets, which the HTTP
	// server's own shutdown does not wait for.
	stopping chan struct{}
	stopOnce sync.Once
}

// Deps are the domain services the server works with.
type Deps struct {
	Store *handoff.Store
	Hub   *handoff.Hub
	// Desk is the operators' queue; nil builds one on the default
	// calendar (tests).
	Desk *handoff.Desk
	// Accounts are the staff; nil uses the store's.
	Accounts *handoff.Accounts
	// Tickets and Outbox are the written requests and their emails; nil
	// builds them on the store (tests).
	Tickets *handoff.Tickets
	Outbox  *handoff.Outbox
	// Events record the statistics; Unanswered the questions for the
	// editors; Metrics the Prometheus figures. nil builds them.
	Events     *handoff.Recorder
	Unanswered *handoff.Unanswered
	Metrics    *Metrics
	// Editor writes the schede folder (nil: read-only); Problems are
	// the current `check` results of the folder.
	Editor    *schede.Editor
	Problems  func() []schede.Problem
	Assistant *assistant.Assistant
	// Cards returns the current schede, for the portal page.
	Cards  func() *schede.Set
	Logger *slog.Logger
}

// New builds the server: templates parsed and assets hashed once here.
func New(opts Options, deps Deps) (*Server, error) {
	if opts.MessagesPerMinuteConversation == 0 {
		opts.MessagesPerMinuteConversation = 20
	}
	if opts.MessagesPerMinuteIP == 0 {
		opts.MessagesPerMinuteIP = 60
	}
	if opts.ConversationsPerMinuteIP == 0 {
		opts.ConversationsPerMinuteIP = 10
	}
	a, err := loadAssets()
	if err != nil {
		return nil, err
	}
	portal, err := template.ParseFS(templateFS, "templates/portal.html")
	if err != nil {
		return nil, err
	}
	pages, err := template.New("").Funcs(pageFuncs).ParseFS(templateFS, "templates/staff/*.html")
	if err != nil {
		return nil, err
	}
	s := &Server{
		pages:       pages,
		accounts:    deps.Accounts,
		tickets:     deps.Tickets,
		outbox:      deps.Outbox,
		events:      deps.Events,
		questions:   deps.Unanswered,
		metrics:     deps.Metrics,
		editor:      deps.Editor,
		problems:    deps.Problems,
		grouper:     insights.NewGrouper(),
		ticketLimit: newLimiter(3),
		ticketTries: newLimiter(30),
		loginLimit:  newLimiter(20),
		echo:        echo.New(),
		opts:        opts,
		log:         deps.Logger,
		store:       deps.Store,
		hub:         deps.Hub,
		desk:        deps.Desk,
		assistant:   deps.Assistant,
		cards:       deps.Cards,
		assets:      a,
		portal:      portal,
		convLimit:   newLimiter(opts.MessagesPerMinuteConversation),
		ipLimit:     newLimiter(opts.MessagesPerMinuteIP),
		createLimit: newLimiter(opts.ConversationsPerMinuteIP),
		stopping:    make(chan struct{}),
	}
	if s.accounts == nil {
		s.accounts = handoff.NewAccounts(deps.Store)
	}
	if s.events == nil {
		s.events = handoff.NewRecorder(deps.Store, handoff.DefaultCalendar(), deps.Logger)
	}
	if s.questions == nil {
		s.questions = handoff.NewUnanswered(deps.Store, deps.Logger)
	}
	if s.metrics == nil {
		s.metrics = NewMetrics()
	}
	s.events.OnEvent(s.metrics.observe)
	if s.tickets == nil {
		s.tickets = handoff.NewTickets(deps.Store, handoff.DefaultCalendar(), deps.Logger)
		s.tickets.Comune = opts.Comune
	}
	if s.outbox == nil {
		s.outbox = handoff.NewOutbox(deps.Store, nil, deps.Logger)
	}
	if s.desk == nil {
		s.desk = handoff.NewDesk(deps.Store, deps.Hub, handoff.DefaultCalendar(), deps.Logger)
	}
	s.chat = &handoff.Chat{Store: deps.Store, Desk: s.desk, Answerer: &answerer{a: deps.Assistant}, Events: s.events, Unanswered: s.questions}
	s.metrics.live(s)
	e := s.echo
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor = echo.ExtractIPDirect()
	if opts.TrustProxy {
		e.IPExtractor = echo.ExtractIPFromXFFHeader()
	}
	e.Use(middleware.Recover())
	e.Use(s.logRequests)
	e.Use(s.metrics.countRequests)
	e.Use(securityHeaders)
	s.routes()
	s.httpServer = &http.Server{
		Handler:           e,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(deps.Logger.Handler(), slog.LevelWarn),
	}
	return s, nil
}

// Handler returns the server as an http.Handler (for tests).
func (s *Server) Handler() http.Handler { return s.echo }

// Serve accepts connections on l until Shutdown (also when Shutdown came
// first: then it returns at once).
func (s *Server) Serve(l net.Listener) error {
	err := s.httpServer.Serve(l)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting connections and waits for requests in flight.
// WebSockets are told the server is going away.
func (s *Server) Shutdown(ctx context.Context) error {
	s.stopOnce.Do(func() { close(s.stopping) })
	return s.httpServer.Shutdown(ctx)
}

func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		status := c.Response().Status
		level := slog.LevelDebug
		if status >= 500 {
			level = slog.LevelError
		}
		s.log.Log(c.Request().Context(), level, "request", "method", c.Request().Method, "path", c.Path(),
			"status", status, "duration_ms", float64(time.Since(start).Microseconds())/1000)
		return nil
	}
}

func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'")
		return next(c)
	}
}
