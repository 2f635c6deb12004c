package insights

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/sportello/sportello/handoff"
)

var rome = handoff.Rome()

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, rome)
	if err != nil {
		panic(err)
	}
	return t
}

func openStore(t testing.TB) *handoff.Store {
	s, err := handoff.Open(filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func source(s *handoff.Store) EventSource {
	return func(from, to time.Time, f func(handoff.StatEvent)) error {
		return s.Events(context.Background(), from, to, f)
	}
}

func TestComputeOnAFixture(t *testing.T) {
	s := openStore(t)
	q := func(when string, dec uint8, card string, closed bool) handoff.StatEvent {
		return handoff.StatEvent{At: at(when), Kind: handoff.EvQuestion, Decision: dec, Card: card, OutOfHours: closed}
	}
	evs := []handoff.StatEvent{
		{At: at("2026-11-23 09:00"), Kind: handoff.EvConversation},
		{At: at("2026-11-23 09:00"), Kind: handoff.EvConversation},
		q("2026-11-23 09:01", handoff.DecAnswer, "tari", false), // Monday 9
		q("2026-11-23 09:02", handoff.DecAnswer, "tari", false), // Monday 9
		q("2026-11-23 09:03", handoff.DecClarify, "", false),    // Monday 9
		q("2026-11-24 21:30", handoff.DecHandoff, "", true),     // Tuesday 21
		q("2026-11-29 10:00", handoff.DecAnswer, "nido", true),  // Sunday 10
		q("2026-11-29 10:05", handoff.DecSmallTalk, "", true),   // Sunday 10
		{At: at("2026-11-24 21:30"), Kind: handoff.EvEscalation, Reason: handoff.ReasonCode[handoff.ReasonNoMatch]},
		{At: at("2026-11-24 21:30"), Kind: handoff.EvEscalation, Reason: handoff.ReasonCode[handoff.ReasonClosed], Value: 1},
		{At: at("2026-11-23 10:00"), Kind: handoff.EvEscalation, Reason: handoff.ReasonCode[handoff.ReasonAskedPerson]},
		{At: at("2026-11-23 10:01"), Kind: handoff.EvPickup, Value: 60},
		{At: at("2026-11-23 10:02"), Kind: handoff.EvPickup, Value: 120},
		{At: at("2026-11-23 10:03"), Kind: handoff.EvPickup, Value: 600},
		{At: at("2026-11-23 10:02"), Kind: handoff.EvFirstResponse, Value: 90},
		{At: at("2026-11-24 21:31"), Kind: handoff.EvTicket},
		{At: at("2026-11-25 09:00"), Kind: handoff.EvTicketAnswered, Value: 1},
		{At: at("2026-11-23 09:05"), Kind: handoff.EvFeedback, Card: "tari", Value: 1},
		{At: at("2026-11-23 09:06"), Kind: handoff.EvFeedback, Card: "tari", Value: 0},
		{At: at("2026-11-30 09:00"), Kind: handoff.EvConversation}, // outside the period
	}
	if err := s.AddEvents(evs); err != nil {
		t.Fatal(err)
	}
	got, err := Compute(source(s), at("2026-11-23 00:00"), at("2026-11-30 00:00"))
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"conversations", got.Conversations, 2},
		{"questions", got.Questions, 6},
		{"answered", got.Answered, 3},
		{"clarified", got.Clarified, 1},
		{"handed off", got.HandedOff, 1},
		{"deflection", got.Deflection(), 5.0 / 6},
		{"clarify rate", got.ClarifyRate(), 1.0 / 6},
		{"out of hours", got.OutOfHours, 3},
		{"escalations: no match", got.Escalations[handoff.ReasonNoMatch], 1},
		{"escalations: asked", got.Escalations[handoff.ReasonAskedPerson], 1},
		{"not live: closed", got.NotLive[handoff.ReasonClosed], 1},
		{"live chats", got.LiveChats, 3},
		{"wait median", got.Wait.Median, 2 * time.Minute},
		{"wait p90", got.Wait.P90, 10 * time.Minute},
		{"first response", got.FirstResponse.Median, 90 * time.Second},
		{"tickets", got.Tickets, 1},
		{"on time", got.OnTimeRate(), 1.0},
		{"most asked", got.Cards[0].ID + "/" + itoa(got.Cards[0].Answers), "tari/2"},
		{"feedback", itoa(got.Cards[0].Useful) + "/" + itoa(got.Cards[0].NotUseful), "1/1"},
		{"heat Monday 9", got.Heat[0][9], 3},
		{"heat Tuesday 21", got.Heat[1][21], 1},
		{"heat Sunday 10", got.Heat[6][10], 2},
		{"days", len(got.Daily), 3},
		{"first day", got.Daily[0].Count, 3},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

func itoa(n int) string { return string(rune('0' + n)) }

// BenchmarkStatsYearOfMillionQuestions computes a year's figures over
// 1,000,000 synthetic questions (and ~1.5 million events in all) from
// bbolt: the figure the statistics page is built from. Target ≤ 1 s.
func BenchmarkStatsYearOfMillionQuestions(b *testing.B) {
	s := openStore(b)
	from := at("2025-01-01 00:00")
	to := from.AddDate(1, 0, 0)
	if err := GenerateYear(s, from, 1_000_000); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		st, err := Compute(source(s), from, to)
		if err != nil || st.Questions != 1_000_000 {
			b.Fatalf("%v, %d questions", err, st.Questions)
		}
	}
}
