package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sportello/sportello"
	"github.com/sportello/sportello/demo"
	"github.com/sportello/sportello/handoff"
	"github.com/sportello/sportello/mailer"
	"github.com/sportello/sportello/web"
)

// Config is the whole configuration: defaults in code (DefaultConfig),
// then an optional YAML file, then SPORTELLO_* environment variables.
type Config struct {
	// Addr is the listen address (SPORTELLO_ADDR).
	Addr string `yaml:"addr"`
	// Data is the data folder (SPORTELLO_DATA).
	Data string `yaml:"data"`
	// Schede is the schede folder; empty serves the embedded demo comune
	// (SPORTELLO_SCHEDE).
	Schede string `yaml:"schede"`
	// LogLevel is debug, info, warn or error (SPORTELLO_LOG_LEVEL).
	LogLevel string `yaml:"log_level"`
	// RetentionDays: conversations untouched for longer are deleted.
	RetentionDays int `yaml:"retention_days"`
	// MetricsToken, when set, must be sent as a bearer token to read
	// /metrics; without it /metrics answers only this machine and private
	// networks (SPORTELLO_METRICS_TOKEN).
	MetricsToken string `yaml:"metrics_token"`
	// TrustProxy takes client IPs from X-Forwarded-For.
	TrustProxy bool            `yaml:"trust_proxy"`
	Comune     ComuneConfig    `yaml:"comune"`
	Limits     LimitsConfig    `yaml:"limits"`
	Operators  OperatorsConfig `yaml:"operators"`
	Mail       MailConfig      `yaml:"mail"`
	Tickets    TicketsConfig   `yaml:"tickets"`
	Backup     BackupConfig    `yaml:"backup"`
}

// BackupConfig is where and how often the server copies its data while
// it runs (the bbolt file must not be copied by hand while it writes).
type BackupConfig struct {
	// Dir holds the copies (SPORTELLO_BACKUP_DIR); empty: DATA/backup.
	// Better on another disk: a copy on the same one survives a mistake,
	// not the disk.
	Dir string `yaml:"dir"`
	// EveryHours between copies (default 24); 0 makes none.
	EveryHours int `yaml:"every_hours"`
	// Keep is how many copies are kept, the newest (default 7).
	Keep int `yaml:"keep"`
}

// MailConfig is how emails leave. With no SMTP they are written as .eml
// files under the data folder ("email/").
type MailConfig struct {
	// SMTP is smtp://user:pass@host:587 (STARTTLS), smtps://...:465, or
	// smtp://127.0.0.1:25?tls=off for a relay on this machine
	// (SPORTELLO_SMTP).
	SMTP string `yaml:"smtp"`
	// From is the sender address (SPORTELLO_MAIL_FROM); FromName its name.
	From     string `yaml:"from"`
	FromName string `yaml:"from_name"`
	// RetrySeconds is the first retry delay, doubled up to an hour.
	RetrySeconds int `yaml:"retry_seconds"`
	// MaxAttempts failures flag an email in the console.
	MaxAttempts int `yaml:"max_attempts"`
}

// TicketsConfig is about written requests.
type TicketsConfig struct {
	// Prefix starts ticket numbers (URP-2026-000123).
	Prefix string `yaml:"prefix"`
	// DueDays is the answer target in working days of the calendar.
	DueDays int `yaml:"due_days"`
}

// OperatorsConfig is how the live queue behaves.
type OperatorsConfig struct {
	// MaxChats is how many chats one operator may hold at once.
	MaxChats int `yaml:"max_chats"`
	// QueueTimeoutSeconds: a citizen waiting longer is offered a written
	// request (default 300).
	QueueTimeoutSeconds int `yaml:"queue_timeout_seconds"`
	// PresenceTimeoutSeconds: an operator whose console is gone this
	// long is offline and their chats go back to the queue (default 45).
	PresenceTimeoutSeconds int `yaml:"presence_timeout_seconds"`
	// AutoAssign gives waiting chats to the least busy operator.
	AutoAssign bool `yaml:"auto_assign"`
}

// ComuneConfig describes the comune the deployment serves.
type ComuneConfig struct {
	Name string `yaml:"name"`
	// Hours are the operators' office hours; empty means the demo's
	// (Monday to Saturday 8:00–20:00, patron saint 24 June).
	Hours     handoff.HoursConfig `yaml:"hours"`
	PortalURL string              `yaml:"portal_url"`
	// PublicURL is where citizens reach this server (status links in
	// emails) (SPORTELLO_PUBLIC_URL).
	PublicURL     string            `yaml:"public_url"`
	PortalOrigins []string          `yaml:"portal_origins"`
	Widget        web.WidgetOptions `yaml:"widget"`
	// QuestionBank lets the assistant search a card also through the
	// questions citizens of other comuni asked about the same service
	// (SPORTELLO_QUESTION_BANK, default true).
	QuestionBank bool `yaml:"question_bank"`
}

// LimitsConfig are the citizens' rate limits, per minute.
type LimitsConfig struct {
	MessagesPerConversation int `yaml:"messages_per_conversation"`
	MessagesPerIP           int `yaml:"messages_per_ip"`
	ConversationsPerIP      int `yaml:"conversations_per_ip"`
}

// DefaultConfig runs the demo comune on :8080 with data in ./data.
func DefaultConfig() Config {
	return Config{
		Addr:          ":8080",
		Data:          "./data",
		LogLevel:      "info",
		RetentionDays: 365,
		Comune: ComuneConfig{
			Name:         demo.Comune,
			PortalURL:    "https://www.comune.valdoria.example.it",
			PublicURL:    "http://localhost:8080",
			QuestionBank: true,
			Widget: web.WidgetOptions{
				Title:      "Ti serve un aiuto?",
				Color:      "#0066CC",
				PrivacyURL: "https://www.comune.valdoria.example.it/privacy",
			},
		},
		Limits:    LimitsConfig{MessagesPerConversation: 20, MessagesPerIP: 60, ConversationsPerIP: 10},
		Operators: OperatorsConfig{MaxChats: 5, QueueTimeoutSeconds: 300, PresenceTimeoutSeconds: 45},
		Mail:      MailConfig{From: "urp@comune.valdoria.example.it", RetrySeconds: 30, MaxAttempts: 8},
		Tickets:   TicketsConfig{Prefix: "URP", DueDays: 2},
		Backup:    BackupConfig{EveryHours: 24, Keep: 7},
	}
}

// LoadConfig builds the configuration from a file (may be "") and the
// environment. Errors name the file and what is wrong, in Italian: the
// comune's IT reads them.
func LoadConfig(file string, getenv func(string) string) (Config, error) {
	cfg := DefaultConfig()
	if file == "" {
		file = getenv("SPORTELLO_CONFIG")
	}
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return cfg, fmt.Errorf("impossibile leggere il file di configurazione: %v", err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
			// The values that did decode are still checked, so that one
			// start names every problem of the file.
			return cfg, invalidConfig(file, append(configDecodeError(err, b), cfg.problems()...))
		}
	}
	env := []struct {
		name string
		dst  *string
	}{
		{"SPORTELLO_ADDR", &cfg.Addr},
		{"SPORTELLO_DATA", &cfg.Data},
		{"SPORTELLO_SCHEDE", &cfg.Schede},
		{"SPORTELLO_LOG_LEVEL", &cfg.LogLevel},
		{"SPORTELLO_COMUNE", &cfg.Comune.Name},
		{"SPORTELLO_PUBLIC_URL", &cfg.Comune.PublicURL},
		{"SPORTELLO_SMTP", &cfg.Mail.SMTP},
		{"SPORTELLO_MAIL_FROM", &cfg.Mail.From},
		{"SPORTELLO_METRICS_TOKEN", &cfg.MetricsToken},
		{"SPORTELLO_BACKUP_DIR", &cfg.Backup.Dir},
	}
	for _, e := range env {
		if v := getenv(e.name); v != "" {
			*e.dst = v
		}
	}
	if v := getenv("SPORTELLO_RETENTION_DAYS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return cfg, fmt.Errorf("SPORTELLO_RETENTION_DAYS=%q non è un numero di giorni", v)
		}
		cfg.RetentionDays = n
	}
	if v := getenv("SPORTELLO_QUESTION_BANK"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return cfg, fmt.Errorf("SPORTELLO_QUESTION_BANK=%q: usa true o false", v)
		}
		cfg.Comune.QuestionBank = b
	}
	if v := getenv("SPORTELLO_PORTAL_ORIGINS"); v != "" {
		cfg.Comune.PortalOrigins = strings.Split(v, ",")
	}
	return cfg, cfg.Validate()
}

// Validate checks the values a person may have got wrong.
func (c Config) Validate() error {
	return invalidConfig("", c.problems())
}

// invalidConfig is nil without problems; else one error that lists them,
// one a line when there are several.
func invalidConfig(file string, problems []string) error {
	if len(problems) == 0 {
		return nil
	}
	what := "configurazione non valida"
	if file != "" {
		what = "configurazione " + file + " non valida"
	}
	if len(problems) == 1 {
		return fmt.Errorf("%s: %s", what, problems[0])
	}
	return fmt.Errorf("%s:\n  - %s", what, strings.Join(problems, "\n  - "))
}

// problems lists, in Italian, each value a person may have got wrong.
func (c Config) problems() []string {
	var errs []string
	if c.Addr == "" {
		errs = append(errs, "addr è vuoto")
	}
	if c.Data == "" {
		errs = append(errs, "data è vuoto")
	}
	if c.RetentionDays < 1 {
		errs = append(errs, "retention_days deve essere almeno 1")
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Sprintf("log_level %q non valido: usa debug, info, warn o error", c.LogLevel))
	}
	for _, o := range c.Comune.PortalOrigins {
		if !strings.HasPrefix(o, "https://") && !strings.HasPrefix(o, "http://") || strings.Count(o, "/") != 2 {
			errs = append(errs, fmt.Sprintf("portal_origins: %q non è un'origine come https://www.comune.example.it", o))
		}
	}
	if c.Limits.MessagesPerConversation < 1 || c.Limits.MessagesPerIP < 1 || c.Limits.ConversationsPerIP < 1 {
		errs = append(errs, "i limiti (limits) devono essere numeri positivi")
	}
	if o := c.Operators; o.MaxChats < 1 || o.QueueTimeoutSeconds < 1 || o.PresenceTimeoutSeconds < 1 {
		errs = append(errs, "operators: max_chats, queue_timeout_seconds e presence_timeout_seconds devono essere numeri positivi")
	}
	if u := c.Comune.PublicURL; !webURL(u) {
		errs = append(errs, fmt.Sprintf("public_url %q non è un indirizzo come https://sportello.comune.example.it", u))
	}
	if u := c.Comune.PortalURL; u != "" && !webURL(u) {
		errs = append(errs, fmt.Sprintf("portal_url %q non è un indirizzo come https://www.comune.example.it", u))
	}
	if u := c.Comune.Widget.PrivacyURL; u != "" && !webURL(u) {
		errs = append(errs, fmt.Sprintf("widget.privacy_url %q non è un indirizzo come https://www.comune.example.it/privacy", u))
	}
	if col := c.Comune.Widget.Color; col != "" && !hexColor.MatchString(col) {
		errs = append(errs, fmt.Sprintf("widget.color %q non è un colore come #0066CC", col))
	}
	if !strings.Contains(c.Mail.From, "@") || strings.ContainsAny(c.Mail.From, "\r\n <>") {
		errs = append(errs, fmt.Sprintf("mail.from %q non è un indirizzo email", c.Mail.From))
	}
	if c.Mail.RetrySeconds < 1 || c.Mail.MaxAttempts < 1 || c.Tickets.DueDays < 1 {
		errs = append(errs, "mail.retry_seconds, mail.max_attempts e tickets.due_days devono essere numeri positivi")
	}
	if p := c.Tickets.Prefix; p == "" || len(p) > 10 || strings.ContainsFunc(p, func(r rune) bool { return !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') }) {
		errs = append(errs, fmt.Sprintf("tickets.prefix %q: da 1 a 10 lettere maiuscole o cifre", p))
	}
	if c.Backup.EveryHours < 0 || c.Backup.Keep < 1 {
		errs = append(errs, "backup: every_hours deve essere 0 (nessuna copia) o più, keep almeno 1")
	}
	if c.Mail.SMTP != "" {
		if _, err := mailer.ParseURL(c.Mail.SMTP, c.Mail.From, ""); err != nil {
			errs = append(errs, err.Error())
		}
	}
	if _, err := c.Calendar(); err != nil {
		errs = append(errs, sportello.ErrorMessage(err))
	}
	return errs
}

// Calendar is the comune's office-hours calendar.
func (c Config) Calendar() (*handoff.Calendar, error) {
	h := c.Comune.Hours
	if len(h.Week) == 0 && h.Patron == "" && len(h.Closed) == 0 && len(h.Special) == 0 {
		return handoff.DefaultCalendar(), nil
	}
	return h.Calendar()
}

// hexColor is a colour as the widget takes it: #RGB or #RRGGBB.
var hexColor = regexp.MustCompile(`^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$`)

// webURL reports whether u is an absolute http(s) address with a host.
func webURL(u string) bool {
	p, err := url.Parse(u)
	return err == nil && (p.Scheme == "https" || p.Scheme == "http") && p.Host != ""
}
