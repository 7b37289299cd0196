package dev.daff.action.followup;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class FollowUpActions implements PanacheRepositoryBase<FollowUpAction, UUID> {
}
