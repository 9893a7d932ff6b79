"""Staff pages: the console's booking panel, the front desk, the supervisor's figures,
closures with their bulk reschedule, an appointment's page and the filtered list."""
