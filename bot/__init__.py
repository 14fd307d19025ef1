"""Learnlink: a chat bot that brokers learning connections inside an organisation."""
