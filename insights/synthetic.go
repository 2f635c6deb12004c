package insights

import (
	"math/rand/v2"
	"time"

	"github.com/sportello/sportello/handoff"
)

// GenerateYear stores a synthetic year of events from from: n questions
// spread evenly, a conversation every three, hand-overs, live chats,
// tickets and feedback in proportion. It is for benchmarks and for
// trying the statistics page; the figures are made up.
func GenerateYear(s *handoff.Store, from time.Time, n int) error {
	year := from.AddDate(1, 0, 0).Sub(from)
	step := year / time.Duration(n)
	r := rand.New(rand.NewPCG(1, 2))
	cards := []string{"tari-pagamento", "iscrizione-asilo-nido", "carta-identita-elettronica", "cambio-residenza", "passo-carrabile", "imu", "ztl", "mensa-scolastica"}
	decisions := []uint8{handoff.DecAnswer, handoff.DecAnswer, handoff.DecAnswer, handoff.DecClarify, handoff.DecHandoff, handoff.DecSmallTalk}
	batch := make([]handoff.StatEvent, 0, 50000)
	for i := range n {
		t := from.Add(time.Duration(i) * step)
		dec := decisions[r.IntN(len(decisions))]
		h := t.In(handoff.Rome()).Hour()
		e := handoff.StatEvent{At: t, Kind: handoff.EvQuestion, Decision: dec, OutOfHours: h >= 20 || h < 8}
		if dec == handoff.DecAnswer {
			e.Card = cards[r.IntN(len(cards))]
		}
		batch = append(batch, e)
		if i%3 == 0 {
			batch = append(batch, handoff.StatEvent{At: t, Kind: handoff.EvConversation})
		}
		if dec == handoff.DecHandoff {
			batch = append(batch, handoff.StatEvent{At: t, Kind: handoff.EvEscalation, Reason: uint8(1 + r.IntN(4))})
			if r.IntN(2) == 0 {
				batch = append(batch, handoff.StatEvent{At: t, Kind: handoff.EvPickup, Value: int32(r.IntN(600))},
					handoff.StatEvent{At: t, Kind: handoff.EvFirstResponse, Value: int32(r.IntN(700))})
			} else {
				batch = append(batch, handoff.StatEvent{At: t, Kind: handoff.EvTicket}, handoff.StatEvent{At: t, Kind: handoff.EvTicketAnswered, Value: int32(r.IntN(2))})
			}
		}
		if i%10 == 0 {
			batch = append(batch, handoff.StatEvent{At: t, Kind: handoff.EvFeedback, Card: cards[r.IntN(len(cards))], Value: int32(r.IntN(2))})
		}
		if len(batch) >= 45000 {
			if err := s.AddEvents(batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	return s.AddEvents(batch)
}
