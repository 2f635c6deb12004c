// Package mailer delivers the outbox's emails: over SMTP with go-mail,
// or, with no SMTP configured, as .eml files in a folder (the demo).
package mailer

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	mail "github.com/wneessen/go-mail"

	"github.com/sportello/sportello/handoff"
)

// build turns an outbox email into a MIME message, the same for SMTP and
// for files.
func build(from, fromName string, e handoff.Email, now time.Time) (*mail.Msg, error) {
	m := mail.NewMsg()
	if err := m.FromFormat(fromName, from); err != nil {
		return nil, fmt.Errorf("sender %q: %w", from, err)
	}
	if err := m.AddToFormat(e.ToName, e.To); err != nil {
		return nil, fmt.Errorf("recipient %q: %w", e.To, err)
	}
	m.Subject(e.Subject)
	m.SetMessageIDWithValue(strings.Trim(e.MessageID, "<>"))
	m.SetDateWithValue(now)
	m.SetBulk()
	m.SetBodyString(mail.TypeTextPlain, e.Body)
	return m, nil
}

// SMTP sends through an SMTP server. TLS is required and verified:
// implicit (smtps://, port 465) or STARTTLS (smtp://, port 587); only a
// relay on the machine itself may be reached without it (?tls=off).
type SMTP struct {
	Host     string
	Port     int
	Username string
	Password string
	Implicit bool // smtps://
	NoTLS    bool // ?tls=off, localhost only
	From     string
	FromName string
	// TLSConfig overrides the default (tests trust their own CA).
	TLSConfig *tls.Config
}

// ParseURL reads SPORTELLO_SMTP: smtp://user:pass@host:587,
// smtps://user:pass@host:465, smtp://127.0.0.1:25?tls=off.
func ParseURL(raw, from, fromName string) (*SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("mail.smtp (SPORTELLO_SMTP) %q non è un indirizzo come smtp://utente:password@server:587", redact(raw))
	}
	s := &SMTP{Host: u.Hostname(), From: from, FromName: fromName}
	switch u.Scheme {
	case "smtp":
		s.Port = 587
	case "smtps":
		s.Port, s.Implicit = 465, true
	default:
		return nil, fmt.Errorf("mail.smtp (SPORTELLO_SMTP): schema %q non supportato, usa smtp:// (STARTTLS) o smtps:// (TLS)", u.Scheme)
	}
	if p := u.Port(); p != "" {
		if s.Port, err = strconv.Atoi(p); err != nil || s.Port < 1 || s.Port > 65535 {
			return nil, fmt.Errorf("mail.smtp (SPORTELLO_SMTP): porta %q non valida", p)
		}
	}
	if u.User != nil {
		s.Username = u.User.Username()
		s.Password, _ = u.User.Password()
	}
	switch q := u.Query().Get("tls"); q {
	case "", "on":
	case "off":
		ip := net.ParseIP(s.Host)
		if s.Host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return nil, fmt.Errorf("mail.smtp (SPORTELLO_SMTP): tls=off è ammesso solo verso un server sulla stessa macchina (localhost)")
		}
		if s.Implicit {
			return nil, fmt.Errorf("mail.smtp (SPORTELLO_SMTP): tls=off non ha senso con smtps://")
		}
		s.NoTLS = true
	default:
		return nil, fmt.Errorf("mail.smtp (SPORTELLO_SMTP): tls=%q non valido (on oppure off)", q)
	}
	if !strings.Contains(from, "@") {
		return nil, fmt.Errorf("il mittente delle email (mail_from) %q non è un indirizzo valido", from)
	}
	return s, nil
}

// redact hides the password of an SMTP URL in messages, even when the
// URL does not parse.
func redact(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return raw
	}
	userinfo, host, ok := strings.Cut(rest, "@")
	if !ok {
		return raw
	}
	if user, _, hasPass := strings.Cut(userinfo, ":"); hasPass {
		return scheme + "://" + user + ":xxx@" + host
	}
	return raw
}

// Send delivers one email; it returns once the server accepted it.
func (s *SMTP) Send(ctx context.Context, e handoff.Email) error {
	m, err := build(s.From, s.FromName, e, time.Now())
	if err != nil {
		return err
	}
	opts := []mail.Option{mail.WithPort(s.Port), mail.WithTimeout(30 * time.Second)}
	switch {
	case s.Implicit:
		opts = append(opts, mail.WithSSL())
	case s.NoTLS:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	}
	tc := s.TLSConfig
	if tc == nil {
		tc = &tls.Config{ServerName: s.Host, MinVersion: tls.VersionTLS12}
	}
	opts = append(opts, mail.WithTLSConfig(tc))
	if s.Username != "" {
		auth := mail.SMTPAuthAutoDiscover
		if s.NoTLS {
			auth = mail.SMTPAuthPlainNoEnc // a local relay, on this machine
		}
		opts = append(opts, mail.WithSMTPAuth(auth), mail.WithUsername(s.Username), mail.WithPassword(s.Password))
	}
	c, err := mail.NewClient(s.Host, opts...)
	if err != nil {
		return err
	}
	if err := c.DialWithContext(ctx); err != nil {
		return err
	}
	// Once the server has accepted the message, a failed RSET or QUIT
	// must not count as a failure: that would send it twice.
	defer c.Close()
	if err := c.Send(m); err != nil && !m.IsDelivered() {
		return err
	}
	return nil
}

// Dir writes each email as an .eml file: the default when no SMTP server
// is configured, so the demo works end to end on a bare machine.
type Dir struct {
	Path     string
	From     string
	FromName string
}

// Send writes the email atomically (temp file, then rename) under a name
// made of its ID and ticket, so a resend overwrites rather than doubles.
func (d *Dir) Send(ctx context.Context, e handoff.Email) error {
	m, err := build(d.From, d.FromName, e, time.Now())
	if err != nil {
		return err
	}
	if err := os.MkdirAll(d.Path, 0o750); err != nil {
		return err
	}
	name := filepath.Join(d.Path, fmt.Sprintf("%06d-%s.eml", e.ID, strings.ToLower(e.Ticket)))
	tmp, err := os.CreateTemp(d.Path, ".tmp-*.eml")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := m.WriteTo(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}
