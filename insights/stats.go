// Package insights turns what happened into what the URP needs to see:
// the service's figures for a period, and the questions citizens could
// not get answered, grouped by meaning. It reads events and questions
// from handoff and analyses Italian with assistant's analyzer; it knows
// nothing of HTTP.
package insights

import (
	"slices"
	"sort"
	"time"

	"github.com/sportello/sportello/handoff"
)

// Stats are the figures of one period.
type Stats struct {
	From, To      time.Time
	Conversations int
	Questions     int
	Answered      int
	Clarified     int
	HandedOff     int
	SmallTalk     int
	// OutOfHours counts questions asked while the office was closed.
	OutOfHours int
	// Escalations by the reason that sent a chat to a person; NotLive by
	// why no one could take it live (closed, nobody online, timeout).
	Escalations map[handoff.Reason]int
	NotLive     map[handoff.Reason]int
	LiveChats   int
	Tickets     int
	// Wait is the queue wait before an operator took the chat;
	// FirstResponse the time from hand-over to the operator's first
	// message.
	Wait, FirstResponse Spread
	TicketsAnswered     int
	TicketsOnTime       int
	// Cards are per scheda: questions answered from it and feedback.
	Cards []CardStats
	// Heat counts questions by weekday (0 = Monday) and hour, in Rome.
	Heat [7][24]int
	// Daily counts questions per day of the period.
	Daily []DayCount
}

// Spread is the median and 90th percentile of durations.
type Spread struct {
	Count       int
	Median, P90 time.Duration
}

// CardStats is one scheda's figures.
type CardStats struct {
	ID                string
	Answers           int
	Useful, NotUseful int
}

// DayCount is the number of questions on one day.
type DayCount struct {
	Day   time.Time
	Count int
}

// Deflection is the share of questions answered without a person.
func (s Stats) Deflection() float64 { return ratio(s.Questions-s.HandedOff, s.Questions) }

// ClarifyRate is the share of questions answered with a choice of cards.
func (s Stats) ClarifyRate() float64 { return ratio(s.Clarified, s.Questions) }

// OnTimeRate is the share of answered tickets answered within the target.
func (s Stats) OnTimeRate() float64 { return ratio(s.TicketsOnTime, s.TicketsAnswered) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// EventSource yields the events of [from, to) in time order
// (handoff.Store.Events).
type EventSource func(from, to time.Time, f func(handoff.StatEvent)) error

// Compute scans the period once and returns its figures.
func Compute(src EventSource, from, to time.Time) (Stats, error) {
	s := Stats{From: from, To: to, Escalations: map[handoff.Reason]int{}, NotLive: map[handoff.Reason]int{}}
	rome := handoff.Rome()
	cards := map[string]*CardStats{}
	card := func(id string) *CardStats {
		c := cards[id]
		if c == nil {
			c = &CardStats{ID: id}
			cards[id] = c
		}
		return c
	}
	var waits, firsts []time.Duration
	days := map[time.Time]int{}
	var lastDay time.Time
	var lastDayKey time.Time
	err := src(from, to, func(e handoff.StatEvent) {
		switch e.Kind {
		case handoff.EvConversation:
			s.Conversations++
		case handoff.EvQuestion:
			s.Questions++
			switch e.Decision {
			case handoff.DecAnswer:
				s.Answered++
				if e.Card != "" {
					card(e.Card).Answers++
				}
			case handoff.DecClarify:
				s.Clarified++
			case handoff.DecHandoff:
				s.HandedOff++
			case handoff.DecSmallTalk:
				s.SmallTalk++
			}
			if e.OutOfHours {
				s.OutOfHours++
			}
			t := e.At.In(rome)
			s.Heat[(int(t.Weekday())+6)%7][t.Hour()]++
			// Events come in time order: the day changes rarely.
			if t.Before(lastDay) || !t.Before(lastDay.AddDate(0, 0, 1)) {
				lastDay = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, rome)
				lastDayKey = lastDay
			}
			days[lastDayKey]++
		case handoff.EvEscalation:
			if e.Value == 1 {
				s.NotLive[handoff.ReasonOf(e.Reason)]++
			} else {
				s.Escalations[handoff.ReasonOf(e.Reason)]++
			}
		case handoff.EvPickup:
			s.LiveChats++
			waits = append(waits, time.Duration(e.Value)*time.Second)
		case handoff.EvFirstResponse:
			firsts = append(firsts, time.Duration(e.Value)*time.Second)
		case handoff.EvTicket:
			s.Tickets++
		case handoff.EvTicketAnswered:
			s.TicketsAnswered++
			if e.Value == 1 {
				s.TicketsOnTime++
			}
		case handoff.EvFeedback:
			if e.Card == "" {
				return
			}
			if e.Value == 1 {
				card(e.Card).Useful++
			} else {
				card(e.Card).NotUseful++
			}
		}
	})
	if err != nil {
		return s, err
	}
	s.Wait, s.FirstResponse = spread(waits), spread(firsts)
	for _, c := range cards {
		s.Cards = append(s.Cards, *c)
	}
	sort.Slice(s.Cards, func(i, j int) bool {
		a, b := s.Cards[i], s.Cards[j]
		if a.Answers != b.Answers {
			return a.Answers > b.Answers
		}
		return a.ID < b.ID
	})
	for d, n := range days {
		s.Daily = append(s.Daily, DayCount{d, n})
	}
	sort.Slice(s.Daily, func(i, j int) bool { return s.Daily[i].Day.Before(s.Daily[j].Day) })
	return s, nil
}

func spread(d []time.Duration) Spread {
	if len(d) == 0 {
		return Spread{}
	}
	slices.Sort(d)
	at := func(q float64) time.Duration { return d[int(q*float64(len(d)-1)+0.5)] }
	return Spread{Count: len(d), Median: at(0.5), P90: at(0.9)}
}
