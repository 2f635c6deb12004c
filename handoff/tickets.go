package handoff

import (
	"context"
	"crypto/subtle"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sportello/sportello"
)

var (
	bucketTickets      = []byte("tickets")       // seq → Ticket
	bucketTicketTokens = []byte("ticket_tokens") // token hash → seq
	bucketTicketNums   = []byte("ticket_numbers")
	bucketCounters     = []byte("counters")
)

// Tickets are the written requests: created from a chat, worked by
// operators, each change that the citizen must hear of enqueuing its
// email in the same transaction.
type Tickets struct {
	Store    *Store
	Calendar *Calendar
	Log      *slog.Logger
	Now      func() time.Time
	// Comune signs the emails; PublicURL is where status pages live
	// ("https://sportello.comune.example.it"); MailDomain ends Message-IDs.
	Comune, PublicURL, MailDomain string
	// Prefix starts ticket numbers ("URP").
	Prefix string
	// DueDays is the answer target in working days of the calendar.
	DueDays int
	// Enqueued is called after an email was committed (wakes the outbox).
	Enqueued func()
	// Events records requests and answers (may be nil).
	Events *Recorder
}

// NewTickets returns the tickets service with the defaults: numbers
// URP-YYYY-NNNNNN, answers due in 2 working days.
func NewTickets(s *Store, cal *Calendar, log *slog.Logger) *Tickets {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Tickets{Store: s, Calendar: cal, Log: log, Now: time.Now, Comune: "Comune", PublicURL: "http://localhost:8080",
		MailDomain: "sportello.invalid", Prefix: "URP", DueDays: 2, Enqueued: func() {}}
}

var errTicketNotFound = sportello.Errorf(sportello.ENOTFOUND, "Richiesta non trovata: controlla il link.")

// StatusURL is the citizen's link to a ticket.
func (t *Tickets) StatusURL(token string) string {
	return strings.TrimRight(t.PublicURL, "/") + "/richieste/" + token
}

// Create stores a validated request with the chat it came from, and the
// confirmation email, in one transaction. It returns the ticket and the
// token of its status page.
func (t *Tickets) Create(ctx context.Context, convID string, req TicketRequest) (Ticket, string, error) {
	req, err := req.Validate()
	if err != nil {
		return Ticket{}, "", err
	}
	now := t.Now()
	token := randomString(32)
	tk := Ticket{
		TokenHash: hashToken(token), ConvID: convID, FirstName: req.FirstName, LastName: req.LastName,
		Email: req.Email, Phone: req.Phone, Service: req.Service, Text: req.Text, State: TicketReceived,
		CreatedAt: now.UTC(), UpdatedAt: now.UTC(), DueAt: t.Calendar.AddWorkingDays(now, t.DueDays).UTC(),
	}
	err = t.Store.db.Update(func(tx *bolt.Tx) error {
		if convID != "" {
			c, err := getConversation(tx, convID)
			if err != nil {
				return err
			}
			if mb := tx.Bucket(bucketMessages).Bucket([]byte(c.ID)); mb != nil {
				if err := mb.ForEach(func(_, v []byte) error {
					var m Message
					if err := json.Unmarshal(v, &m); err != nil {
						return err
					}
					tk.Transcript = append(tk.Transcript, m)
					return nil
				}); err != nil {
					return err
				}
			}
		}
		b, err := tx.CreateBucketIfNotExists(bucketTickets)
		if err != nil {
			return err
		}
		if tk.Seq, err = b.NextSequence(); err != nil {
			return err
		}
		year := now.In(t.Calendar.Loc).Year()
		n, err := nextCounter(tx, fmt.Sprintf("%s-%d", t.Prefix, year))
		if err != nil {
			return err
		}
		tk.Number = fmt.Sprintf("%s-%d-%06d", t.Prefix, year, n)
		e := t.confirmation(tk, token, now)
		if err := enqueueTx(tx, &e); err != nil {
			return err
		}
		tk.Emails = append(tk.Emails, e.MessageID)
		if err := putTicket(tx, tk); err != nil {
			return err
		}
		toks, err := tx.CreateBucketIfNotExists(bucketTicketTokens)
		if err != nil {
			return err
		}
		if err := toks.Put(tk.TokenHash, seqKey(tk.Seq)); err != nil {
			return err
		}
		nums, err := tx.CreateBucketIfNotExists(bucketTicketNums)
		if err != nil {
			return err
		}
		return nums.Put([]byte(tk.Number), seqKey(tk.Seq))
	})
	if err != nil {
		return Ticket{}, "", fmt.Errorf("create ticket: %w", err)
	}
	t.Log.Info("ticket created", "ticket", tk.Number, "service", tk.Service, "conversation", convID)
	t.Events.Record(StatEvent{At: now, Kind: EvTicket})
	t.Enqueued()
	return tk, token, nil
}

func nextCounter(tx *bolt.Tx, key string) (uint64, error) {
	b, err := tx.CreateBucketIfNotExists(bucketCounters)
	if err != nil {
		return 0, err
	}
	var n uint64
	if v := b.Get([]byte(key)); len(v) == 8 {
		n = binary.BigEndian.Uint64(v)
	}
	n++
	return n, b.Put([]byte(key), seqKey(n))
}

func putTicket(tx *bolt.Tx, tk Ticket) error {
	v, err := json.Marshal(tk)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketTickets).Put(seqKey(tk.Seq), v)
}

func getTicket(tx *bolt.Tx, seq []byte) (Ticket, error) {
	var tk Ticket
	b := tx.Bucket(bucketTickets)
	if b == nil || seq == nil || b.Get(seq) == nil {
		return tk, errTicketNotFound
	}
	err := json.Unmarshal(b.Get(seq), &tk)
	return tk, err
}

// ByToken returns the ticket a status link opens.
func (t *Tickets) ByToken(ctx context.Context, token string) (Ticket, error) {
	var tk Ticket
	h := hashToken(token)
	err := t.Store.db.View(func(tx *bolt.Tx) error {
		toks := tx.Bucket(bucketTicketTokens)
		if toks == nil || token == "" {
			return errTicketNotFound
		}
		var err error
		if tk, err = getTicket(tx, toks.Get(h)); err != nil {
			return err
		}
		if subtle.ConstantTimeCompare(tk.TokenHash, h) != 1 {
			return errTicketNotFound
		}
		return nil
	})
	return tk, err
}

// ByNumber returns a ticket for the console.
func (t *Tickets) ByNumber(ctx context.Context, number string) (Ticket, error) {
	var tk Ticket
	err := t.Store.db.View(func(tx *bolt.Tx) error {
		nums := tx.Bucket(bucketTicketNums)
		if nums == nil {
			return errTicketNotFound
		}
		var err error
		tk, err = getTicket(tx, nums.Get([]byte(number)))
		return err
	})
	return tk, err
}

// TicketFilter narrows the console's list; zero values mean any.
type TicketFilter struct {
	State   TicketState
	Service string
	// OlderThan keeps tickets created before now minus it.
	OlderThan time.Duration
	// Open keeps tickets not yet answered or closed.
	Open bool
}

// List returns the tickets that pass f, oldest first.
func (t *Tickets) List(ctx context.Context, f TicketFilter) ([]Ticket, error) {
	now := t.Now()
	var out []Ticket
	err := t.Store.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketTickets)
		if b == nil {
			return nil
		}
		return b.ForEach(func(_, v []byte) error {
			var tk Ticket
			if err := json.Unmarshal(v, &tk); err != nil {
				return err
			}
			switch {
			case f.State != "" && tk.State != f.State:
			case f.Service != "" && tk.Service != f.Service:
			case f.OlderThan > 0 && now.Sub(tk.CreatedAt) < f.OlderThan:
			case f.Open && tk.State != TicketReceived && tk.State != TicketInProgress:
			default:
				tk.Transcript = nil // the list does not need it
				out = append(out, tk)
			}
			return nil
		})
	})
	return out, err
}

// Services lists the services named by tickets, sorted, for the filter.
func (t *Tickets) Services(ctx context.Context) ([]string, error) {
	all, err := t.List(ctx, TicketFilter{})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, tk := range all {
		if !slices.Contains(out, tk.Service) {
			out = append(out, tk.Service)
		}
	}
	slices.Sort(out)
	return out, nil
}

// update applies f to a ticket by number and stores it (and any email f
// enqueues) in one transaction.
func (t *Tickets) update(number string, f func(tx *bolt.Tx, tk *Ticket) error) (Ticket, error) {
	var tk Ticket
	err := t.Store.db.Update(func(tx *bolt.Tx) error {
		nums := tx.Bucket(bucketTicketNums)
		if nums == nil {
			return errTicketNotFound
		}
		var err error
		if tk, err = getTicket(tx, nums.Get([]byte(number))); err != nil {
			return err
		}
		if err := f(tx, &tk); err != nil {
			return err
		}
		tk.UpdatedAt = t.Now().UTC()
		return putTicket(tx, tk)
	})
	return tk, err
}

// Assign gives a ticket to an operator; a received one goes in progress.
func (t *Tickets) Assign(ctx context.Context, number, operator string) (Ticket, error) {
	return t.update(number, func(_ *bolt.Tx, tk *Ticket) error {
		if tk.State == TicketClosed {
			return sportello.Errorf(sportello.ECONFLICT, "La richiesta è chiusa.")
		}
		tk.Assignee = operator
		if tk.State == TicketReceived {
			tk.State = TicketInProgress
		}
		return nil
	})
}

// AddNote adds an internal note.
func (t *Tickets) AddNote(ctx context.Context, number, author, text string) (Ticket, error) {
	text, err := validNote(text)
	if err != nil {
		return Ticket{}, err
	}
	return t.update(number, func(_ *bolt.Tx, tk *Ticket) error {
		tk.Notes = append(tk.Notes, Note{At: t.Now().UTC(), Author: author, Text: text})
		return nil
	})
}

func validNote(text string) (string, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return "", sportello.Errorf(sportello.EINVALID, "Il testo è vuoto.")
	}
	if len([]rune(text)) > 5000 {
		return "", sportello.Errorf(sportello.EINVALID, "Il testo è troppo lungo (al massimo 5000 caratteri).")
	}
	return text, nil
}

// Reply sends the operator's answer: the email is enqueued with the
// change, the status page shows it, the ticket is answered.
func (t *Tickets) Reply(ctx context.Context, number, author, authorName, text string) (Ticket, error) {
	text, err := validNote(text)
	if err != nil {
		return Ticket{}, err
	}
	now := t.Now()
	first := false
	tk, err := t.update(number, func(tx *bolt.Tx, tk *Ticket) error {
		if tk.State == TicketClosed {
			return sportello.Errorf(sportello.ECONFLICT, "La richiesta è chiusa: riaprila prima di rispondere.")
		}
		if !tk.ErasedAt.IsZero() {
			return sportello.Errorf(sportello.ECONFLICT, "I dati di chi ha fatto questa richiesta sono stati cancellati su sua richiesta: non c'è più un indirizzo a cui rispondere.")
		}
		first = tk.RepliedAt.IsZero()
		tk.Reply, tk.RepliedBy, tk.RepliedAt, tk.State = text, authorName, now.UTC(), TicketAnswered
		if tk.Assignee == "" {
			tk.Assignee = author
		}
		e := t.replyEmail(*tk, now)
		if err := enqueueTx(tx, &e); err != nil {
			return err
		}
		tk.Emails = append(tk.Emails, e.MessageID)
		return nil
	})
	if err != nil {
		return Ticket{}, err
	}
	t.Log.Info("ticket answered", "ticket", number, "by", author)
	if first {
		t.Events.Record(StatEvent{At: now, Kind: EvTicketAnswered, Value: map[bool]int32{true: 1, false: 0}[!now.After(tk.DueAt)]})
	}
	t.Enqueued()
	return tk, nil
}

// Close closes a ticket (answered, or not needing one).
func (t *Tickets) Close(ctx context.Context, number string) (Ticket, error) {
	return t.update(number, func(_ *bolt.Tx, tk *Ticket) error {
		tk.State = TicketClosed
		return nil
	})
}

// Reopen puts a closed ticket back in progress.
func (t *Tickets) Reopen(ctx context.Context, number string) (Ticket, error) {
	return t.update(number, func(_ *bolt.Tx, tk *Ticket) error {
		tk.State = TicketInProgress
		return nil
	})
}
