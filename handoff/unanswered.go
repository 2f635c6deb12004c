package handoff

import (
	"context"
	"encoding/json"
	"log/slog"
	"regexp"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

var bucketUnanswered = []byte("unanswered")

// Outcomes of a question the assistant could not serve.
const (
	OutcomeNoMatch        = "no_match"
	OutcomeLowConfidence  = "low_confidence"
	OutcomeClarifyIgnored = "clarify_ignored"
	OutcomeNotUseful      = "non_utile"
)

// OutcomeText names an outcome for editors.
var OutcomeText = map[string]string{
	OutcomeNoMatch:        "nessuna scheda",
	OutcomeLowConfidence:  "risposta incerta",
	OutcomeClarifyIgnored: "scelta ignorata",
	OutcomeNotUseful:      "giudicata non utile",
}

// Question is a citizen's question kept for the editors, with personal
// data masked before it was stored.
type Question struct {
	ID      uint64    `json:"id"`
	At      time.Time `json:"at"`
	Text    string    `json:"text"`
	Outcome string    `json:"outcome"`
	// Card is the title of the card shown, if any.
	Card string `json:"card,omitempty"`
	// Ignored questions are hidden from the list.
	Ignored bool `json:"ignored,omitempty"`
}

// Unanswered keeps the questions that ended without a good answer.
type Unanswered struct {
	Store *Store
	Log   *slog.Logger
	Now   func() time.Time
}

// NewUnanswered returns the store of unanswered questions.
func NewUnanswered(s *Store, log *slog.Logger) *Unanswered {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Unanswered{Store: s, Log: log, Now: time.Now}
}

// Consider records a question the assistant handed over for lack of a
// card or of confidence.
func (u *Unanswered) Consider(ctx context.Context, text string, r Reply) {
	if u == nil || r.Decision != "handoff" || r.Reason == string(ReasonAskedPerson) {
		return
	}
	out := OutcomeNoMatch
	if r.Reason == string(ReasonLowConfidence) {
		out = OutcomeLowConfidence
	}
	u.add(Question{Text: text, Outcome: out, Card: r.Card})
}

// Ignored records a question whose choice of schede the citizen did not
// take (they wrote something else instead).
func (u *Unanswered) Ignored(ctx context.Context, text string) {
	if u != nil {
		u.add(Question{Text: text, Outcome: OutcomeClarifyIgnored})
	}
}

// NotUseful records the question behind an answer judged not useful.
func (u *Unanswered) NotUseful(ctx context.Context, convID string, seq uint64, card *struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}) {
	if u == nil || seq < 2 {
		return
	}
	msgs, err := u.Store.Messages(ctx, convID, 0, int(seq))
	if err != nil {
		return
	}
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Role == RoleCitizen && msgs[i].Seq < seq {
			q := Question{Text: msgs[i].Text, Outcome: OutcomeNotUseful}
			if card != nil {
				q.Card = card.Title
			}
			u.add(q)
			return
		}
	}
}

func (u *Unanswered) add(q Question) {
	q.Text = Mask(q.Text)
	q.At = u.Now().UTC()
	err := u.Store.db.Batch(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketUnanswered)
		if err != nil {
			return err
		}
		if q.ID, err = b.NextSequence(); err != nil {
			return err
		}
		v, err := json.Marshal(q)
		if err != nil {
			return err
		}
		return b.Put(seqKey(q.ID), v)
	})
	if err != nil {
		u.Log.Error("unanswered: store", "err", err)
	}
}

// List returns the recorded questions, oldest first, ignored ones too.
func (u *Unanswered) List(ctx context.Context) ([]Question, error) {
	var out []Question
	err := u.Store.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketUnanswered)
		if b == nil {
			return nil
		}
		return b.ForEach(func(_, v []byte) error {
			var q Question
			if err := json.Unmarshal(v, &q); err != nil {
				return err
			}
			out = append(out, q)
			return nil
		})
	})
	return out, err
}

// Ignore hides questions from the list.
func (u *Unanswered) Ignore(ctx context.Context, ids []uint64) error {
	return u.Store.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketUnanswered)
		if b == nil {
			return nil
		}
		for _, id := range ids {
			v := b.Get(seqKey(id))
			if v == nil {
				continue
			}
			var q Question
			if err := json.Unmarshal(v, &q); err != nil {
				return err
			}
			q.Ignored = true
			nv, err := json.Marshal(q)
			if err != nil {
				return err
			}
			if err := b.Put(seqKey(id), nv); err != nil {
				return err
			}
		}
		return nil
	})
}

// Masking: what could identify a person is replaced before storage. The
// patterns are broad on purpose: a masked word too many costs little.
var masks = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`[\w.+-]+@[\w-]+(\.[\w-]+)+`), "[email]"},
	{regexp.MustCompile(`(?i)\bIT\s?\d{2}\s?[A-Z](?:\s?[0-9A-Z]){22}\b`), "[iban]"},
	{regexp.MustCompile(`(?i)\b[A-Z]{6}\s?\d{2}[A-EHLMPR-T]\d{2}\s?[A-Z]\d{3}[A-Z]\b`), "[codice fiscale]"},
	{regexp.MustCompile(`\b\d(?:[ -]?\d){12,18}\b`), "[numero carta]"},
	{regexp.MustCompile(`(?:\+|\b00)39[\s.-]?\d{2,4}[\s.-]?\d{3,4}[\s.-]?\d{3,4}\b|\b3\d{2}[\s.-]?\d{3}[\s.-]?\d{3,4}\b|\b0\d{1,3}[\s.-]?\d{3,4}[\s.-]?\d{3,4}\b`), "[telefono]"},
	// After "mi chiamo" any word is a name, a second one if capitalised.
	{regexp.MustCompile(`\b((?i:mi chiamo|il mio nome è|il mio nome e'|mi presento:?))\s+\p{L}[\p{L}']*(\s+\p{Lu}[\p{L}']*)?`), "$1 [nome]"},
	// After "sono" only capitalised words: "sono Maria Bianchi", not
	// "sono stato".
	{regexp.MustCompile(`\b((?i:sono(?: il signor| la signora)?))\s+\p{Lu}\p{Ll}[\p{L}']*(\s+\p{Lu}[\p{L}']*)?`), "$1 [nome]"},
}

// Mask replaces personal data in a citizen's text: emails, IBANs, codici
// fiscali, card numbers, telephone numbers, and names after "mi chiamo"
// and the like.
func Mask(s string) string {
	for _, m := range masks {
		s = m.re.ReplaceAllString(s, m.with)
	}
	return strings.TrimSpace(s)
}

// DeleteBefore removes questions recorded before cutoff (the same
// retention as conversations) and returns how many.
func (u *Unanswered) DeleteBefore(ctx context.Context, cutoff time.Time) (int, error) {
	n := 0
	err := u.Store.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketUnanswered)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			var q Question
			if err := json.Unmarshal(v, &q); err != nil {
				return err
			}
			if !q.At.Before(cutoff) {
				break // stored in time order
			}
			if err := c.Delete(); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}
