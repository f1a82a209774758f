from kaifaqu.geo import views

app_name = "geo"
urlpatterns = [
    *views.REGIONS.urls("regions/"),
    *views.ZONES.urls("zones/"),
    *views.PARKS.urls("parks/"),
]
