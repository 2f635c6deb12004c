package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sportello/sportello/assistant"
	"github.com/sportello/sportello/demo"
	"github.com/sportello/sportello/handoff"
	"github.com/sportello/sportello/mailer"
	"github.com/sportello/sportello/schede"
	"github.com/sportello/sportello/web"
)

// Main is the running program: built from a Config, started by Run,
// stopped by Close. End-to-end tests run it on a temp dir and port :0.
type Main struct {
	Config Config
	Logger *slog.Logger
	// Now is the desk's clock (office hours, waits); tests replace it.
	Now func() time.Time

	store     *handoff.Store
	desk      *handoff.Desk
	metrics   *web.Metrics
	assistant *assistant.Assistant
	cards     atomic.Pointer[schede.Set]
	problems  atomic.Pointer[[]schede.Problem]
	// schedeDir is the folder served and edited (the demo is copied to
	// the data folder so that it can be edited too).
	schedeDir string
	server    *web.Server
	// backup copies the store on schedule; nil when none is configured.
	backup   *handoff.Backups
	listener net.Listener
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	served   chan error
}

// NewMain returns a Main with a logger writing JSON to w.
func NewMain(cfg Config, w io.Writer) *Main {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	return &Main{Config: cfg, Logger: slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))}
}

// Run opens the store, loads the schede, starts the background jobs and
// the HTTP server, and returns once it is accepting connections.
func (m *Main) Run(ctx context.Context) error {
	start := time.Now()
	if err := os.MkdirAll(m.Config.Data, 0o750); err != nil {
		return fmt.Errorf("create data folder: %w", err)
	}
	store, err := handoff.Open(filepath.Join(m.Config.Data, "sportello.db"))
	if err != nil {
		return err
	}
	m.store = store
	cal, err := m.Config.Calendar()
	if err != nil {
		return err
	}
	m.assistant = assistant.New(assistant.Options{Comune: m.Config.Comune.Name, Hours: cal.Sentence, NoBank: !m.Config.Comune.QuestionBank})
	bg, cancel := context.WithCancel(context.Background())
	m.cancel = cancel
	m.metrics = web.NewMetrics()
	if err := m.loadSchede(bg); err != nil {
		return err
	}
	hub := handoff.NewHub()
	m.desk = handoff.NewDesk(store, hub, cal, m.Logger)
	if m.Now != nil {
		m.desk.Now = m.Now
	}
	o := m.Config.Operators
	m.desk.MaxChats, m.desk.AutoAssign = o.MaxChats, o.AutoAssign
	m.desk.QueueTimeout = time.Duration(o.QueueTimeoutSeconds) * time.Second
	m.desk.PresenceTimeout = time.Duration(o.PresenceTimeoutSeconds) * time.Second
	if err := m.desk.Restore(ctx); err != nil {
		return err
	}
	outbox, tickets, err := m.mail(store, cal)
	if err != nil {
		return err
	}
	events := handoff.NewRecorder(store, cal, m.Logger)
	if m.Now != nil {
		events.Now = m.Now
	}
	m.desk.Events, tickets.Events = events, events
	unanswered := handoff.NewUnanswered(store, m.Logger)
	accounts := handoff.NewAccounts(store)
	if pw, err := accounts.EnsureAdmin(ctx); err != nil {
		return err
	} else if pw != "" {
		m.Logger.Warn("no staff accounts yet: created user \"admin\" with a one-time password; sign in at /operatore/login and change it",
			"user", "admin", "password", pw)
	}
	m.server, err = web.New(web.Options{
		Comune:                        m.Config.Comune.Name,
		NoQuestionBank:                !m.Config.Comune.QuestionBank,
		PortalOrigins:                 m.Config.Comune.PortalOrigins,
		Widget:                        m.Config.Comune.Widget,
		TrustProxy:                    m.Config.TrustProxy,
		MetricsToken:                  m.Config.MetricsToken,
		MessagesPerMinuteConversation: m.Config.Limits.MessagesPerConversation,
		MessagesPerMinuteIP:           m.Config.Limits.MessagesPerIP,
		ConversationsPerMinuteIP:      m.Config.Limits.ConversationsPerIP,
	}, web.Deps{
		Store:      store,
		Hub:        hub,
		Desk:       m.desk,
		Accounts:   accounts,
		Tickets:    tickets,
		Outbox:     outbox,
		Events:     events,
		Unanswered: unanswered,
		Metrics:    m.metrics,
		Editor:     schede.NewEditor(m.schedeDir),
		Problems: func() []schede.Problem {
			if p := m.problems.Load(); p != nil {
				return *p
			}
			return nil
		},
		Assistant: m.assistant,
		Cards:     m.cards.Load,
		Logger:    m.Logger,
	})
	if err != nil {
		return err
	}
	m.listener, err = net.Listen("tcp", m.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", m.Config.Addr, err)
	}
	m.served = make(chan error, 1)
	go func() { m.served <- m.server.Serve(m.listener) }()
	m.wg.Add(2)
	go func() {
		defer m.wg.Done()
		m.retention(bg)
	}()
	go func() {
		defer m.wg.Done()
		m.desk.Run(bg, time.Second)
	}()
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		outbox.Run(bg)
	}()
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		events.Run(bg)
	}()
	if b := m.backups(); b != nil {
		m.backup = b
		m.metrics.WatchBackups(b.Last)
		m.wg.Add(1)
		go func() {
			defer m.wg.Done()
			b.Run(bg, time.Minute)
		}()
	}
	m.Logger.Info("sportello ready", "addr", m.listener.Addr().String(), "comune", m.Config.Comune.Name,
		"schede", len(m.cards.Load().Published()), "startup_ms", time.Since(start).Milliseconds())
	return nil
}

// mail builds the outbox (SMTP, or .eml files without it) and the
// tickets service that feeds it.
func (m *Main) mail(store *handoff.Store, cal *handoff.Calendar) (*handoff.Outbox, *handoff.Tickets, error) {
	mc := m.Config.Mail
	fromName := mc.FromName
	if fromName == "" {
		fromName = m.Config.Comune.Name
	}
	var sender handoff.Mailer
	if mc.SMTP != "" {
		s, err := mailer.ParseURL(mc.SMTP, mc.From, fromName)
		if err != nil {
			return nil, nil, err
		}
		sender = s
		m.Logger.Info("email via SMTP", "host", s.Host, "port", s.Port, "from", mc.From)
	} else {
		dir := filepath.Join(m.Config.Data, "email")
		sender = &mailer.Dir{Path: dir, From: mc.From, FromName: fromName}
		m.Logger.Info("no SMTP configured: emails are written as .eml files", "folder", dir)
	}
	outbox := handoff.NewOutbox(store, sender, m.Logger)
	outbox.Backoff = time.Duration(mc.RetrySeconds) * time.Second
	outbox.MaxAttempts = mc.MaxAttempts
	tickets := handoff.NewTickets(store, cal, m.Logger)
	tickets.Comune, tickets.PublicURL, tickets.Prefix, tickets.DueDays = m.Config.Comune.Name, m.Config.Comune.PublicURL, m.Config.Tickets.Prefix, m.Config.Tickets.DueDays
	if _, domain, ok := strings.Cut(mc.From, "@"); ok {
		tickets.MailDomain = domain
	}
	tickets.Enqueued = outbox.Wake
	if m.Now != nil {
		tickets.Now, outbox.Now = m.Now, m.Now
	}
	return outbox, tickets, nil
}

// copyOnce copies fsys into dir unless dir exists already (edits made
// there are kept across restarts).
func copyOnce(fsys fs.FS, dir string) error {
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	tmp := dir + ".tmp"
	os.RemoveAll(tmp)
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		target := filepath.Join(tmp, filepath.FromSlash(name))
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		return err
	}
	return os.Rename(tmp, dir)
}

// Addr is the address the server listens on (useful with port :0).
func (m *Main) Addr() string { return m.listener.Addr().String() }

// loadSchede loads the embedded demo or a folder, which is then watched.
func (m *Main) loadSchede(ctx context.Context) error {
	onLoad := func(set *schede.Set, problems []schede.Problem) {
		m.problems.Store(&problems)
		err := m.assistant.Load(set)
		m.metrics.IndexLoaded(err)
		if err != nil {
			m.Logger.Error("index schede", "err", err)
			return
		}
		m.cards.Store(set)
	}
	m.schedeDir = m.Config.Schede
	if m.schedeDir == "" {
		// The demo comune, copied once into the data folder: served and
		// editable like any comune's folder.
		m.schedeDir = filepath.Join(m.Config.Data, "schede-demo")
		if err := copyOnce(demo.Schede(), m.schedeDir); err != nil {
			return fmt.Errorf("copy the demo schede: %w", err)
		}
	}
	if fi, err := os.Stat(m.schedeDir); err != nil || !fi.IsDir() {
		return fmt.Errorf("la cartella delle schede %q non esiste o non è una cartella", m.schedeDir)
	}
	w := schede.NewWatcher(m.schedeDir, m.Logger, onLoad)
	if err := w.Load(); err != nil {
		return err
	}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		w.Run(ctx)
	}()
	return nil
}

// backups are the copies of the store made while the server runs; nil
// when the configuration asks for none.
func (m *Main) backups() *handoff.Backups {
	bc := m.Config.Backup
	if bc.EveryHours == 0 {
		return nil
	}
	dir := bc.Dir
	if dir == "" {
		dir = filepath.Join(m.Config.Data, "backup")
	}
	return &handoff.Backups{Store: m.store, Dir: dir, Every: time.Duration(bc.EveryHours) * time.Hour, Keep: bc.Keep, Now: time.Now, Log: m.Logger}
}

// retention deletes old conversations now and then every hour.
func (m *Main) retention(ctx context.Context) {
	for {
		cutoff := time.Now().AddDate(0, 0, -m.Config.RetentionDays)
		if n, err := m.store.DeleteBefore(ctx, cutoff); err != nil {
			m.Logger.Error("retention", "err", err)
		} else if n > 0 {
			m.Logger.Info("retention: conversations deleted", "count", n, "before", cutoff)
		}
		if n, err := handoff.NewOutbox(m.store, nil, m.Logger).DeleteSentBefore(ctx, cutoff); err != nil {
			m.Logger.Error("retention of sent emails", "err", err)
		} else if n > 0 {
			m.Logger.Info("retention: sent emails deleted", "count", n, "before", cutoff)
		}
		if n, err := handoff.NewUnanswered(m.store, m.Logger).DeleteBefore(ctx, cutoff); err != nil {
			m.Logger.Error("retention of unanswered questions", "err", err)
		} else if n > 0 {
			m.Logger.Info("retention: unanswered questions deleted", "count", n, "before", cutoff)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Hour):
		}
	}
}

// Close stops the server (finishing requests in flight), the background
// jobs, and closes the store.
func (m *Main) Close() error {
	var errs []error
	if m.server != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		errs = append(errs, m.server.Shutdown(ctx))
		cancel()
		errs = append(errs, <-m.served)
	}
	if m.cancel != nil {
		m.cancel()
	}
	m.wg.Wait()
	if m.store != nil {
		errs = append(errs, m.store.Close())
	}
	return errors.Join(errs...)
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	file := fs.String("config", "", "file di configurazione YAML (o SPORTELLO_CONFIG)")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "uso: sportello serve [--config FILE]")
		return 2
	}
	cfg, err := LoadConfig(*file, os.Getenv)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	m := NewMain(cfg, stdout)
	if err := m.Run(ctx); err != nil {
		m.Logger.Error("start", "err", err)
		m.Close()
		return 1
	}
	select {
	case <-ctx.Done():
		m.Logger.Info("shutting down")
	case err := <-m.served:
		m.served <- err
		m.Logger.Error("server stopped", "err", err)
	}
	if err := m.Close(); err != nil {
		m.Logger.Error("shutdown", "err", err)
		return 1
	}
	m.Logger.Info("stopped cleanly")
	return 0
}
