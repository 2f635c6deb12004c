package web

import (
	"context"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/labstack/echo/v4"

	"github.com/sportello/sportello/handoff"
)

// consoleFrame is what a console sends: "heartbeat", or "typing" in a
// conversation.
type consoleFrame struct {
	Type         string `json:"type"`
	Conversation string `json:"conversation"`
}

// consoleWS is an operator's live line: the queue, the operators, and
// the chats they hold (history first, then live messages, exactly once
// and in order per chat). While it is open the operator is present.
func (s *Server) consoleWS(c echo.Context) error {
	st := currentStaff(c)
	name := st.User.Name
	conn, err := websocket.Accept(c.Response(), c.Request(), nil) // same origin only
	if err != nil {
		return nil
	}
	conn.SetReadLimit(wsReadLimit)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	defer conn.CloseNow()

	deskSub := s.hub.SubscribeSignal(handoff.DeskTopic)
	defer s.hub.Unsubscribe(deskSub)
	opSub := s.hub.SubscribeN(handoff.OperatorTopic(name), 1024)
	defer s.hub.Unsubscribe(opSub)
	display := st.User.DisplayName
	if display == "" {
		display = name
	}
	release := s.desk.Connect(ctx, name, display)
	defer release()

	write := func(v any) error {
		wctx, wcancel := context.WithTimeout(ctx, wsWriteLimit)
		defer wcancel()
		return wsjson.Write(wctx, conn, v)
	}
	last := map[string]uint64{}
	sendChat := func(id string) error {
		v, err := s.chatView(ctx, id)
		if err != nil {
			return err
		}
		if n := len(v.Messages); n > 0 {
			last[id] = v.Messages[n-1].Seq
		}
		return write(map[string]any{"type": "chat", "chat": v})
	}
	snapshot := func() error {
		held, status := s.desk.Held(name)
		return write(map[string]any{"type": "snapshot", "desk": s.desk.Snapshot(), "me": name, "status": status, "held": held})
	}
	if err := snapshot(); err != nil {
		return nil
	}
	held, _ := s.desk.Held(name)
	for _, id := range held {
		if err := sendChat(id); err != nil {
			return nil
		}
	}

	frames := readFrames[consoleFrame](ctx, cancel, conn)
	ping := time.NewTicker(wsPingEvery)
	defer ping.Stop()
	// Queue changes come in bursts; one snapshot per burst, at most
	// every 200 ms.
	var pending <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-s.stopping:
			conn.Close(websocket.StatusGoingAway, "server shutting down")
			return nil
		case _, ok := <-deskSub.C:
			if !ok {
				conn.Close(websocket.StatusTryAgainLater, "slow consumer: reconnect")
				return nil
			}
			if pending == nil {
				pending = time.After(200 * time.Millisecond)
			}
		case <-pending:
			pending = nil
			if err := snapshot(); err != nil {
				return nil
			}
		case ev, ok := <-opSub.C:
			if !ok {
				conn.Close(websocket.StatusTryAgainLater, "slow consumer: reconnect")
				return nil
			}
			var err error
			switch ev.Type {
			case "assigned":
				err = sendChat(ev.Conversation)
			case "released":
				delete(last, ev.Conversation)
				err = write(ev)
			case "message":
				var msgs []handoff.Message
				msgs, err = s.catchUp(ctx, ev.Conversation, last[ev.Conversation], *ev.Message)
				for _, m := range msgs {
					if err != nil {
						break
					}
					last[ev.Conversation] = m.Seq
					err = write(map[string]any{"type": "message", "conversation": ev.Conversation, "message": view(m)})
				}
			default:
				err = write(ev)
			}
			if err != nil {
				return nil
			}
		case f := <-frames:
			s.desk.Heartbeat(name)
			if f.Type == "typing" && f.Conversation != "" {
				s.desk.Typing(f.Conversation, name)
			}
		case <-ping.C:
			pctx, pcancel := context.WithTimeout(ctx, wsWriteLimit)
			err := conn.Ping(pctx)
			pcancel()
			if err != nil {
				return nil
			}
			s.desk.Heartbeat(name)
		}
	}
}
