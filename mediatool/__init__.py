"""mediatool: phone line, appointments, statistics and calendars for digital mediators."""

__version__ = "0.1.0"
