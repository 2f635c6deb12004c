package web

import (
	"net/http"

	"github.com/labstack/echo/v4/middleware"
)

// routes is the one route table.
func (s *Server) routes() {
	e := s.echo
	e.GET("/", s.portalPage)
	e.GET("/widget.js", s.widgetJS)
	e.HEAD("/widget.js", s.widgetJS)
	e.GET("/static/:file", s.staticFile)
	e.GET("/healthz", s.healthz)

	api := e.Group("/api/v1")
	api.Use(middleware.BodyLimit("16K"))
	if len(s.opts.PortalOrigins) > 0 {
		api.Use(middleware.CORSWithConfig(middleware.CORSConfig{
			AllowOrigins:  s.opts.PortalOrigins,
			AllowMethods:  []string{http.MethodGet, http.MethodPost},
			AllowHeaders:  []string{"Authorization", "Content-Type"},
			ExposeHeaders: []string{"Retry-After"},
			MaxAge:        3600,
		}))
	}
	api.GET("/widget-config", s.widgetConfig)
	api.POST("/conversations", s.createConversation)
	api.POST("/conversations/:id/messages", s.postMessage)
	api.GET("/conversations/:id/messages", s.listMessages)
	api.POST("/conversations/:id/feedback", s.postFeedback)
	api.POST("/conversations/:id/operator", s.askPerson)
	api.POST("/conversations/:id/leave", s.leaveQueue)
	api.GET("/conversations/:id/ws", s.conversationWS)
}
