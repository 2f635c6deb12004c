package web

import (
	"context"
	"encoding/csv"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sportello/sportello"
	"github.com/sportello/sportello/handoff"
	"github.com/sportello/sportello/insights"
)

// period reads ?da=AAAA-MM-GG&a=AAAA-MM-GG (both days included); the
// default is the last 30 days.
func (s *Server) period(c echo.Context) (time.Time, time.Time, error) {
	rome := handoff.Rome()
	now := s.desk.Now().In(rome)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, rome)
	from, to := today.AddDate(0, 0, -29), today
	parse := func(name string, def time.Time) (time.Time, error) {
		v := c.QueryParam(name)
		if v == "" {
			return def, nil
		}
		t, err := time.ParseInLocation("2006-01-02", v, rome)
		if err != nil {
			return def, sportello.Errorf(sportello.EINVALID, "La data %q non è valida: usa il formato AAAA-MM-GG.", v)
		}
		return t, nil
	}
	var err error
	if from, err = parse("da", from); err != nil {
		return from, to, err
	}
	if to, err = parse("a", to); err != nil {
		return from, to, err
	}
	if to.Before(from) {
		return from, to, sportello.Errorf(sportello.EINVALID, "La data di fine viene prima di quella di inizio.")
	}
	if to.Sub(from) > 3*366*24*time.Hour {
		return from, to, sportello.Errorf(sportello.EINVALID, "Il periodo può essere al massimo di tre anni.")
	}
	return from, to.AddDate(0, 0, 1), nil
}

func (s *Server) computeStats(ctx context.Context, from, to time.Time) (insights.Stats, error) {
	return insights.Compute(func(from, to time.Time, f func(handoff.StatEvent)) error {
		return s.store.Events(ctx, from, to, f)
	}, from, to)
}

// cardTitle names a card by ID from the current schede.
func (s *Server) cardTitle(id string) string {
	if c := s.assistant.Card(id); c != nil {
		return c.Title
	}
	return id
}

// statsTable is one table of the page, also exported as CSV.
type statsTable struct {
	ID, Title string
	Head      []string
	Rows      [][]string
}

func pct(f float64) string { return strconv.FormatFloat(f*100, 'f', 1, 64) + "%" }

func mins(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%d s", int(d.Seconds()))
	}
	return fmt.Sprintf("%d min %02d s", int(d.Minutes()), int(d.Seconds())%60)
}

// tables lays the figures out for people (and the CSV export).
func (s *Server) tables(st insights.Stats) []statsTable {
	summary := statsTable{ID: "riepilogo", Title: "Riepilogo", Head: []string{"Indicatore", "Valore"}, Rows: [][]string{
		{"Conversazioni", strconv.Itoa(st.Conversations)},
		{"Domande", strconv.Itoa(st.Questions)},
		{"Risolte senza operatore (deflection)", pct(st.Deflection())},
		{"Risposte con scelta tra schede (clarify)", pct(st.ClarifyRate())},
		{"Passate a una persona", strconv.Itoa(st.HandedOff)},
		{"Domande a ufficio chiuso", strconv.Itoa(st.OutOfHours)},
		{"Chat con un operatore", strconv.Itoa(st.LiveChats)},
		{"Attesa in coda: mediana / 90° percentile", mins(st.Wait.Median) + " / " + mins(st.Wait.P90)},
		{"Prima risposta dell'operatore: mediana / 90° percentile", mins(st.FirstResponse.Median) + " / " + mins(st.FirstResponse.P90)},
		{"Richieste scritte", strconv.Itoa(st.Tickets)},
		{"Richieste con risposta", strconv.Itoa(st.TicketsAnswered)},
		{"Risposte entro l'obiettivo", pct(st.OnTimeRate())},
	}}
	reasons := statsTable{ID: "motivi", Title: "Passaggi a una persona per motivo", Head: []string{"Motivo", "Numero"}}
	for _, r := range []handoff.Reason{handoff.ReasonNoMatch, handoff.ReasonLowConfidence, handoff.ReasonAskedPerson, handoff.ReasonNegativeFeedback} {
		reasons.Rows = append(reasons.Rows, []string{handoff.ReasonText[r], strconv.Itoa(st.Escalations[r])})
	}
	for _, r := range []handoff.Reason{handoff.ReasonClosed, handoff.ReasonNobodyOnline, handoff.ReasonQueueTimeout} {
		reasons.Rows = append(reasons.Rows, []string{"non in diretta: " + handoff.ReasonText[r], strconv.Itoa(st.NotLive[r])})
	}
	cards := statsTable{ID: "schede", Title: "Schede: risposte e riscontri", Head: []string{"Scheda", "Risposte", "Utile", "Non utile"}}
	for _, c := range st.Cards {
		cards.Rows = append(cards.Rows, []string{s.cardTitle(c.ID), strconv.Itoa(c.Answers), strconv.Itoa(c.Useful), strconv.Itoa(c.NotUseful)})
	}
	hours := statsTable{ID: "orari", Title: "Domande per giorno della settimana e ora", Head: []string{"Giorno"}}
	for h := range 24 {
		hours.Head = append(hours.Head, strconv.Itoa(h))
	}
	for d, name := range []string{"lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"} {
		row := []string{name}
		for h := range 24 {
			row = append(row, strconv.Itoa(st.Heat[d][h]))
		}
		hours.Rows = append(hours.Rows, row)
	}
	days := statsTable{ID: "giorni", Title: "Domande per giorno", Head: []string{"Giorno", "Domande"}}
	for _, d := range st.Daily {
		days.Rows = append(days.Rows, []string{d.Day.Format("2006-01-02"), strconv.Itoa(d.Count)})
	}
	return []statsTable{summary, reasons, cards, hours, days}
}

// statsPage shows the figures of a period with charts and tables.
func (s *Server) statsPage(c echo.Context) error {
	st := currentStaff(c)
	data := map[string]any{"Title": "Statistiche", "User": st.User, "CSRF": st.Session.CSRF, "IsAdmin": st.User.Role == handoff.StaffAdmin}
	from, to, err := s.period(c)
	data["From"], data["To"] = from.Format("2006-01-02"), to.AddDate(0, 0, -1).Format("2006-01-02")
	if err != nil {
		data["Problem"] = sportello.ErrorMessage(err)
		return s.render(c, http.StatusBadRequest, "stats.html", data)
	}
	stats, err := s.computeStats(c.Request().Context(), from, to)
	if err != nil {
		return err
	}
	data["S"] = stats
	data["Tables"] = s.tables(stats)
	data["Query"] = "da=" + data["From"].(string) + "&a=" + data["To"].(string)
	var reasonBars, cardBars []bar
	for _, r := range []handoff.Reason{handoff.ReasonNoMatch, handoff.ReasonLowConfidence, handoff.ReasonAskedPerson, handoff.ReasonNegativeFeedback} {
		reasonBars = append(reasonBars, bar{handoff.ReasonText[r], stats.Escalations[r]})
	}
	for _, r := range []handoff.Reason{handoff.ReasonClosed, handoff.ReasonNobodyOnline, handoff.ReasonQueueTimeout} {
		reasonBars = append(reasonBars, bar{"non in diretta: " + handoff.ReasonText[r], stats.NotLive[r]})
	}
	for i, cs := range stats.Cards {
		if i == 10 {
			break
		}
		cardBars = append(cardBars, bar{s.cardTitle(cs.ID), cs.Answers})
	}
	var labels []string
	var values []int
	for _, d := range stats.Daily {
		labels = append(labels, d.Day.Format("02/01"))
		values = append(values, d.Count)
	}
	data["Charts"] = []struct {
		Title string
		SVG   template.HTML
		Table string
	}{
		{"Domande per giorno", columnChart("c-giorni", "Domande per giorno nel periodo", labels, values), "giorni"},
		{"Passaggi a una persona per motivo", barChart("c-motivi", "Passaggi a una persona per motivo", reasonBars), "motivi"},
		{"Schede più usate", barChart("c-schede", "Le dieci schede con più risposte", cardBars), "schede"},
		{"Quando scrivono i cittadini", heatMap("c-orari", "Domande per giorno della settimana e ora: più scuro, più domande", stats.Heat), "orari"},
	}
	return s.render(c, http.StatusOK, "stats.html", data)
}

// statsCSV exports one table of the page.
func (s *Server) statsCSV(c echo.Context) error {
	from, to, err := s.period(c)
	if err != nil {
		return err
	}
	stats, err := s.computeStats(c.Request().Context(), from, to)
	if err != nil {
		return err
	}
	name := c.Param("table")
	for _, t := range s.tables(stats) {
		if t.ID+".csv" != name {
			continue
		}
		h := c.Response().Header()
		h.Set("Content-Type", "text/csv; charset=utf-8")
		h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="sportello-%s-%s-%s.csv"`, t.ID, from.Format("20060102"), to.AddDate(0, 0, -1).Format("20060102")))
		c.Response().WriteHeader(http.StatusOK)
		w := csv.NewWriter(c.Response())
		w.Write(t.Head)
		w.WriteAll(t.Rows)
		return w.Error()
	}
	return echo.NewHTTPError(http.StatusNotFound)
}
