"""Store KPIs: the library of definitions, targets per store and period, daily measurements."""
