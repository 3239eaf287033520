from django.urls import path

from . import views, views_checklist

app_name = "scheduling"
urlpatterns = [
    path("trainings/<int:pk>/agenda/", views.agenda, name="agenda"),
    path("trainings/<int:pk>/agenda/mine/", views.mine, name="mine"),
    path("trainings/<int:pk>/agenda/now/", views.now_next, name="now"),
    path("trainings/<int:pk>/agenda/undo/", views.undo, name="undo"),
    path("trainings/<int:pk>/agenda/publish/", views.publish, name="publish"),
    path("trainings/<int:pk>/agenda/layout/", views.relayout, name="layout"),
    path("trainings/<int:pk>/agenda/briefings/", views.briefings, name="briefings"),
    path("trainings/<int:pk>/agenda/move-day/", views.move_day, name="move_day"),
    path("trainings/<int:pk>/agenda/settings/", views.settings_view, name="settings"),
    path("trainings/<int:pk>/agenda/time-zone/", views.time_zone, name="time_zone"),
    path("trainings/<int:pk>/agenda/feeds/reset/", views.reset_feed, name="reset_feed"),
    path("trainings/<int:pk>/agenda/slots/<int:slot_pk>/edit/", views.slot_editor,
         name="slot_editor"),
    path("trainings/<int:pk>/agenda/slots/<int:slot_pk>/move/", views.move, name="move"),
    path("trainings/<int:pk>/agenda/slots/<int:slot_pk>/resize/", views.resize, name="resize"),
    path("trainings/<int:pk>/agenda/slots/<int:slot_pk>/move-rest/", views.move_rest,
         name="move_rest"),
    path("trainings/<int:pk>/agenda/slots/<int:slot_pk>/insert/", views.insert, name="insert"),
    path("trainings/<int:pk>/agenda/slots/<int:slot_pk>/delete/", views.delete, name="delete"),
    path("calendar/<str:token>.ics", views.feed, name="feed"),
    path("trainings/<int:pk>/checklist/", views_checklist.checklist, name="checklist"),
    path("trainings/<int:pk>/checklist/<int:item_pk>/", views_checklist.update_item,
         name="checklist_item"),
    path("checklists/", views_checklist.my_checklists, name="my_checklists"),
]
