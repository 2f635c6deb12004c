package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sportello/sportello"
	"github.com/sportello/sportello/handoff"
)

// ticketAges are the age filters of the list.
var ticketAges = []struct {
	Value, Label string
	Age          time.Duration
}{
	{"", "Qualsiasi", 0},
	{"1g", "Più di 1 giorno", 24 * time.Hour},
	{"2g", "Più di 2 giorni", 48 * time.Hour},
	{"7g", "Più di 7 giorni", 7 * 24 * time.Hour},
}

// ticketsPage lists the written requests with filters; overdue ones and
// emails that could not be delivered stand out.
func (s *Server) ticketsPage(c echo.Context) error {
	st := currentStaff(c)
	ctx := c.Request().Context()
	f := handoff.TicketFilter{State: handoff.TicketState(c.QueryParam("stato")), Service: c.QueryParam("servizio")}
	if f.State == "" && c.QueryParam("stato") == "" && !c.QueryParams().Has("stato") {
		f.Open = true // by default, what still needs work
	}
	if f.State == "tutte" {
		f.State = ""
	}
	for _, a := range ticketAges {
		if a.Value == c.QueryParam("eta") {
			f.OlderThan = a.Age
		}
	}
	list, err := s.tickets.List(ctx, f)
	if err != nil {
		return err
	}
	services, err := s.tickets.Services(ctx)
	if err != nil {
		return err
	}
	pending, err := s.outbox.Pending(ctx)
	if err != nil {
		return err
	}
	var failed []handoff.Email
	for _, e := range pending {
		if e.Failed {
			failed = append(failed, e)
		}
	}
	stateFilter := c.QueryParam("stato")
	if !c.QueryParams().Has("stato") {
		stateFilter = "aperte"
	}
	return s.render(c, http.StatusOK, "tickets.html", map[string]any{
		"Title": "Richieste", "User": st.User, "CSRF": st.Session.CSRF, "IsAdmin": st.User.Role == handoff.StaffAdmin,
		"Tickets": list, "Now": s.tickets.Now(), "States": handoff.TicketStateText, "Services": services,
		"Ages": ticketAges, "Filter": map[string]string{"stato": stateFilter, "servizio": f.Service, "eta": c.QueryParam("eta")},
		"Failed": failed, "Pending": len(pending),
	})
}

// ticketPage shows one request: the citizen's fields, the chat it came
// from, notes, the reply editor with suggested schede.
func (s *Server) ticketPage(c echo.Context) error {
	return s.renderTicket(c, http.StatusOK, "", "")
}

func (s *Server) renderTicket(c echo.Context, status int, problem, draft string) error {
	st := currentStaff(c)
	ctx := c.Request().Context()
	tk, err := s.tickets.ByNumber(ctx, c.Param("number"))
	if err != nil {
		return err
	}
	sugg, err := s.suggest(ctx, tk.Text)
	if err != nil {
		s.log.Warn("ticket suggestions", "ticket", tk.Number, "err", err)
	}
	if draft == "" && tk.State != handoff.TicketAnswered {
		draft = tk.Reply
	}
	return s.render(c, status, "ticket.html", map[string]any{
		"Title": "Richiesta " + tk.Number, "User": st.User, "CSRF": st.Session.CSRF, "IsAdmin": st.User.Role == handoff.StaffAdmin,
		"T": tk, "State": handoff.TicketStateText[tk.State], "Overdue": tk.Overdue(s.tickets.Now()), "Suggestions": sugg,
		"Problem": problem, "Draft": draft, "JS": s.assets.URL("tickets.js"),
	})
}

// ticketAction applies one form of the ticket page.
func (s *Server) ticketAction(c echo.Context) error {
	st := currentStaff(c)
	ctx := c.Request().Context()
	number := c.Param("number")
	text := c.FormValue("testo")
	var err error
	action := c.FormValue("azione")
	switch action {
	case "assegna":
		_, err = s.tickets.Assign(ctx, number, st.User.Name)
	case "nota":
		_, err = s.tickets.AddNote(ctx, number, displayOf(st.User), text)
	case "rispondi":
		_, err = s.tickets.Reply(ctx, number, st.User.Name, displayOf(st.User), text)
	case "chiudi":
		_, err = s.tickets.Close(ctx, number)
	case "riapri":
		_, err = s.tickets.Reopen(ctx, number)
	default:
		err = sportello.Errorf(sportello.EINVALID, "Operazione non valida.")
	}
	if err != nil {
		code := sportello.ErrorCode(err)
		if code == sportello.EINTERNAL || code == sportello.ENOTFOUND {
			return err
		}
		return s.renderTicket(c, statusOf[code], sportello.ErrorMessage(err), text)
	}
	s.log.Info("ticket action", "ticket", number, "action", action, "by", st.User.Name)
	return c.Redirect(http.StatusSeeOther, "/operatore/richieste/"+url.PathEscape(number)+"?fatto="+url.QueryEscape(action))
}

func displayOf(u handoff.User) string {
	if u.DisplayName != "" {
		return u.DisplayName
	}
	return u.Name
}
