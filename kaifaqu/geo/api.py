from rest_framework import viewsets


class RegionViewSet(viewsets.ViewSet):
    pass


ZoneViewSet = ParkViewSet = RegionViewSet
